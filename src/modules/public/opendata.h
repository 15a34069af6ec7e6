/* Open data (开放数据): the register of filed and closed institutions as CSV and JSON, with a documented
 * schema page. No personal data at all: institutions only, nothing about persons, no attachments. */
#ifndef TUOYU_OPENDATA_H
#define TUOYU_OPENDATA_H
#include "http/http.h"

enum err opendata_csv(struct req *r, struct resp *out);    /* GET /open-data/institutions.csv */
enum err opendata_json(struct req *r, struct resp *out);   /* GET /open-data/institutions.json */
enum err opendata_schema(struct req *r, struct resp *out); /* GET /open-data (HTML) */

/* The licence every dataset carries. */
#define OD_LICENCE                                                                                                                                           \
    "本数据由十堰市卫生健康委员会依法公开，可免费复制、使用和再发布，使用时请注明来源“十堰市托育服务”；" \
    "数据仅含机构信息，不含任何个人信息。"

/* One documented field of a dataset: its name, type as the JSON has it, meaning. */
struct od_field {
    const char *name, *type, *zh;
};

/* Yearly statistics per district, from 2021 (the plan) to this year (opendata_stats.c). */
extern const struct od_field od_stats_fields[];
extern const int od_stats_nfields;
enum err opendata_stats_csv(struct req *r, struct resp *out);  /* GET /open-data/statistics.csv */
enum err opendata_stats_json(struct req *r, struct resp *out); /* GET /open-data/statistics.json */

#endif
