#include "http/http.h"

#include <microhttpd.h>
#include <string.h>

const char *req_query(const struct req *r, const char *key)
{
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, key) == 0) return r->query[i].value;
    return NULL;
}

const char *req_form(const struct req *r, const char *key)
{
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, key) == 0) return r->form[i].value;
    return NULL;
}

const char *req_header(const struct req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

enum err req_json(struct req *r, json_t **out)
{
    if (!r->json) {
        const char *why = NULL;
        r->json = jspec_load(r->body, r->body_len, r->a, &why);
        if (!r->json) {
            r->error_detail = why;
            return ERR_MALFORMED_JSON;
        }
    }
    *out = r->json;
    return OK;
}
