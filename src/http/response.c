#include "core/buf.h"
#include "core/mem.h"
#include "html/layout.h"
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

enum err resp_json(struct req *r, struct resp *out, unsigned status, json_t *json)
{
    (void)r;
    char *s = json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(json);
    if (!s) return ERR_NOMEM;
    out->status = status;
    out->body = s;
    out->len = strlen(s);
    out->content_type = "application/json; charset=utf-8";
    return OK;
}

enum err resp_html(struct req *r, struct resp *out, unsigned status, struct html *h)
{
    (void)r;
    out->status = status;
    out->body = html_steal(h, &out->len);
    out->content_type = "text/html; charset=utf-8";
    return OK;
}

enum err resp_bytes(struct req *r, struct resp *out, unsigned status, const char *content_type, const void *p,
                    size_t n)
{
    (void)r;
    out->status = status;
    out->body = xmalloc(n + 1);
    memcpy(out->body, p, n);
    out->len = n;
    out->content_type = content_type;
    return OK;
}

void resp_header(struct req *r, struct resp *out, const char *name, const char *value)
{
    (void)r;
    if (out->nheaders >= RESP_MAX_HEADERS) return;
    out->headers[out->nheaders][0] = name;
    out->headers[out->nheaders][1] = value;
    out->nheaders++;
}

enum err resp_redirect(struct req *r, struct resp *out, const char *location)
{
    out->status = 303;
    out->body = NULL;
    out->len = 0;
    out->content_type = "text/plain; charset=utf-8";
    resp_header(r, out, "Location", location);
    return OK;
}

void resp_error(struct req *r, struct resp *out, enum err e, bool html)
{
    if (html) {
        page_error(r, out, e);
        return;
    }
    json_t *fields = NULL;
    if (r->fe.n) {
        fields = json_array();
        for (int i = 0; i < r->fe.n; i++)
            json_array_append_new(fields, json_pack("{s:s, s:s}", "field", r->fe.items[i].field, "message",
                                                    r->fe.items[i].message));
    }
    json_t *doc = json_pack("{s:{s:s, s:s, s:o*}}", "error", "code", err_name(e), "message",
                            r->error_detail ? r->error_detail : err_message_zh(e), "fields", fields);
    resp_json(r, out, err_status(e), doc);
}
