/* Open data (开放数据): the register of filed and closed institutions as CSV and JSON, with a documented
 * schema page. No personal data at all: institutions only, nothing about persons, no attachments. */
#ifndef TUOYU_OPENDATA_H
#define TUOYU_OPENDATA_H
#include "http/http.h"

enum err opendata_csv(struct req *r, struct resp *out);    /* GET /open-data/institutions.csv */
enum err opendata_json(struct req *r, struct resp *out);   /* GET /open-data/institutions.json */
enum err opendata_schema(struct req *r, struct resp *out); /* GET /open-data (HTML) */

#endif
