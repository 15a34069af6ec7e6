/* Files compiled into the binary by tools/embed.py: SQL migrations and static assets. */
#ifndef TUOYU_EMBEDDED_H
#define TUOYU_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
    const char *name; /* "sql/sqlite/001_init.sql", "static/tuoyu.css" */
    const unsigned char *data;
    size_t len;
};
extern const struct embedded_file embedded_files[]; /* terminated by a NULL name */
/* The file of that name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
