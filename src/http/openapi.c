/* The OpenAPI 3.1 document of /api/v1, generated from the route table at request time, so a route cannot be
 * added without appearing in it; and the readable reference page built from the same table. */
#include "http/openapi.h"

#include "core/mem.h"
#include "html/layout.h"

#include <stdio.h>
#include <string.h>

#define API_PREFIX "/api/v1"

static const unsigned role_bits[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY,  ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR, ROLE_UNIT};
#define NROLES (sizeof role_bits / sizeof role_bits[0])

bool openapi_route_listed(const struct route *rt)
{
    return strncmp(rt->pattern, API_PREFIX "/", sizeof API_PREFIX) == 0 ||
           strcmp(rt->pattern, API_PREFIX) == 0;
}

/* The tag of an API route: its first segment after /api/v1 ("public" routes by their second). */
static const char *route_tag(struct arena *a, const char *pattern)
{
    const char *s = pattern + sizeof API_PREFIX; /* past "/api/v1/" */
    if (strncmp(s, "public/", 7) == 0) s += 7;
    const char *end = strchr(s, '/');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    return arena_strndup(a, s, n);
}

char *openapi_path(struct arena *a, const char *pattern)
{
    /* Segments are renamed in order: the first {id} stays "id", later ones "id2", "id3"; any other {name} is
     * a text segment kept as is (a repeated one numbered the same way). */
    size_t cap = strlen(pattern) * 2 + 16;
    char *out = arena_alloc(a, cap);
    size_t o = 0;
    int nid = 0, nother = 0;
    for (const char *p = pattern; *p;) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close) break;
            size_t n = (size_t)(close - p - 1);
            bool is_id = n == 2 && strncmp(p + 1, "id", 2) == 0;
            int k = is_id ? ++nid : ++nother;
            o += (size_t)snprintf(out + o, cap - o, "{%.*s", (int)n, p + 1);
            if (k > 1) o += (size_t)snprintf(out + o, cap - o, "%d", k);
            out[o++] = '}';
            p = close + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
    return out;
}

/* The path parameters of an OpenAPI path made by openapi_path. */
static json_t *path_parameters(const char *path)
{
    json_t *params = json_array();
    for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (!close) break;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
        bool is_id = strncmp(name, "id", 2) == 0 && (name[2] == 0 || (name[2] >= '0' && name[2] <= '9'));
        json_array_append_new(
            params, json_pack("{s:s, s:s, s:b, s:o}", "name", name, "in", "path", "required", 1, "schema",
                              is_id ? json_pack("{s:s, s:i}", "type", "integer", "minimum", 1)
                                    : json_pack("{s:s, s:i}", "type", "string", "maxLength", 64)));
    }
    return params;
}

static json_t *error_response(const char *description)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content", "application/json",
                     "schema", "$ref", "#/components/schemas/Error");
}

static json_t *operation(struct arena *a, const struct route *rt, const char *path)
{
    char opid[200];
    size_t o = (size_t)snprintf(opid, sizeof opid, "%s", rt->method);
    for (size_t i = 0; i < o; i++)
        opid[i] = (char)(opid[i] >= 'A' && opid[i] <= 'Z' ? opid[i] + 32 : opid[i]);
    for (const char *p = rt->pattern + sizeof API_PREFIX - 1; *p && o + 2 < sizeof opid; p++) {
        char c = *p;
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (word)
            opid[o++] = c;
        else if (opid[o - 1] != '_')
            opid[o++] = '_';
    }
    while (o > 0 && opid[o - 1] == '_')
        o--;
    opid[o] = 0;

    json_t *op = json_pack("{s:s, s:s, s:[s]}", "operationId", opid, "summary",
                           rt->summary ? rt->summary : "", "tags", route_tag(a, rt->pattern));
    json_t *params = path_parameters(path);
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);

    json_t *roles = json_array();
    bool public = rt->flags & ROUTE_PUBLIC;
    if (!public)
        for (size_t i = 0; i < NROLES; i++)
            if (rt->roles & role_bits[i]) json_array_append_new(roles, json_string(role_name(role_bits[i])));
    json_object_set_new(op, "x-roles", roles);
    if (public) json_object_set_new(op, "security", json_array());
    if (rt->flags & ROUTE_LOOPBACK_OR_ADMIN) json_object_set_new(op, "x-loopback", json_true());

    bool body =
        strcmp(rt->method, "POST") == 0 || strcmp(rt->method, "PUT") == 0 || strcmp(rt->method, "PATCH") == 0;
    if (body) {
        json_t *content = json_object();
        if (rt->flags & ROUTE_UPLOAD) {
            json_object_set_new(content, "application/octet-stream",
                                json_pack("{s:{s:s, s:s}}", "schema", "type", "string", "format", "binary"));
            if (rt->flags & ROUTE_FORM)
                json_object_set_new(content, "multipart/form-data",
                                    json_pack("{s:{s:s}}", "schema", "type", "object"));
        } else if (rt->flags & ROUTE_FORM) {
            json_object_set_new(content, "application/x-www-form-urlencoded",
                                json_pack("{s:{s:s}}", "schema", "type", "object"));
        } else {
            json_object_set_new(content, "application/json",
                                json_pack("{s:{s:s}}", "schema", "type", "object"));
        }
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 0, "content", content));
    }

    json_t *responses = json_object();
    json_object_set_new(responses, "200",
                        json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "成功", "content",
                                  "application/json", "schema", "type", "object"));
    if (body) json_object_set_new(responses, "201", json_pack("{s:s}", "description", "已创建"));
    json_object_set_new(responses, "400", error_response("请求无效"));
    if (!public) {
        json_object_set_new(responses, "401", error_response("需要登录"));
        json_object_set_new(responses, "403", error_response("无权操作"));
    }
    if (strchr(rt->pattern, '{')) json_object_set_new(responses, "404", error_response("未找到"));
    if (body) {
        json_object_set_new(responses, "409", error_response("状态或版本冲突"));
        json_object_set_new(responses, "422",
                            error_response("提交的数据未通过校验（fields 列出每个错误字段）"));
    }
    json_object_set_new(responses, "503", error_response("数据库繁忙，请重试"));
    json_object_set_new(op, "responses", responses);
    return op;
}

json_t *openapi_document(struct arena *a)
{
    json_t *paths = json_object();
    for (int i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        if (!openapi_route_listed(rt)) continue;
        const char *path = openapi_path(a, rt->pattern);
        json_t *item = json_object_get(paths, path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, path, item);
        }
        char method[8];
        size_t n = strlen(rt->method);
        if (n >= sizeof method) continue;
        for (size_t k = 0; k <= n; k++)
            method[k] =
                (char)(rt->method[k] >= 'A' && rt->method[k] <= 'Z' ? rt->method[k] + 32 : rt->method[k]);
        json_object_set_new(item, method, operation(a, rt, path));
    }

    json_t *error = json_pack(
        "{s:s, s:[s], s:{s:{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}}}}}}}}",
        "type", "object", "required", "error", "properties", "error", "type", "object", "required", "code",
        "message", "properties", "code", "type", "string", "message", "type", "string", "fields", "type",
        "array", "items", "type", "object", "properties", "field", "type", "string", "message", "type",
        "string");
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:{s:o}, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}}, "
        "s:[{s:[]}, "
        "{s:[]}]}",
        "openapi", "3.1.0", "info", "title", "tuoyu 托育服务综合监管平台 API", "version", "1", "description",
        "十堰市 3 岁以下婴幼儿托育服务系统的 HTTP API。由路由表生成：每个 /api/v1 路由都在此列出，x-roles "
        "为允许的角色。错误统一为 {error:{code, message, fields}}。",
        "servers", "url", "/", "paths", paths, "components", "schemas", "Error", error, "securitySchemes",
        "session", "type", "apiKey", "in", "cookie", "name", "tuoyu_session", "token", "type", "http",
        "scheme", "bearer", "security", "session", "token");
    return doc;
}

enum err openapi_api(struct req *r, struct resp *out)
{
    return resp_json(r, out, 200, openapi_document(r->a));
}

static const char *method_class(const char *m)
{
    return strcmp(m, "GET") == 0 ? "get" : strcmp(m, "DELETE") == 0 ? "delete" : "write";
}

enum err page_api_reference(struct req *r, struct resp *out)
{
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "API 参考");
    html_lit(
        &h,
        "<h1>API 参考</h1>\n<p>机器可读的 OpenAPI 3.1 文档：<a href=\"/api/v1/openapi.json\">"
        "/api/v1/openapi.json</a>。认证：会话 Cookie（登录后）或 <code>Authorization: Bearer</code> "
        "令牌（<code>tuoyu token create</code>）。错误统一为 <code>{error:{code, message, fields}}</code>，"
        "校验错误（422）在 fields 中列出每个错误字段。</p>\n");
    /* One table per tag, tags in the order of their first route. */
    const char **tags = arena_alloc(r->a, sizeof *tags * (size_t)nroutes);
    int ntags = 0;
    for (int i = 0; i < nroutes; i++) {
        if (!openapi_route_listed(&routes[i])) continue;
        const char *t = route_tag(r->a, routes[i].pattern);
        int k = 0;
        while (k < ntags && strcmp(tags[k], t) != 0)
            k++;
        if (k == ntags) tags[ntags++] = t;
    }
    for (int k = 0; k < ntags; k++) {
        html_lit(&h, "<h2");
        html_attr(&h, "id", tags[k]);
        html_lit(&h, ">");
        html_text(&h, tags[k]);
        html_lit(&h,
                 "</h2>\n<div class=\"table-wrap\"><table class=\"api\"><thead><tr><th>方法</th><th>路径</th>"
                 "<th>角色</th><th>说明</th></tr></thead><tbody>\n");
        for (int i = 0; i < nroutes; i++) {
            const struct route *rt = &routes[i];
            if (!openapi_route_listed(rt) || strcmp(route_tag(r->a, rt->pattern), tags[k]) != 0) continue;
            html_lit(&h, "<tr><td><code");
            html_attr(&h, "class", method_class(rt->method));
            html_lit(&h, ">");
            html_text(&h, rt->method);
            html_lit(&h, "</code></td><td><code>");
            html_text(&h, rt->pattern);
            html_lit(&h, "</code></td><td>");
            if (rt->flags & ROUTE_PUBLIC) {
                html_lit(&h, "公开");
            } else {
                bool first = true;
                for (size_t b = 0; b < NROLES; b++)
                    if (rt->roles & role_bits[b]) {
                        if (!first) html_lit(&h, "、");
                        html_text(&h, role_name_zh(role_bits[b]));
                        first = false;
                    }
            }
            html_lit(&h, "</td><td>");
            html_text(&h, rt->summary ? rt->summary : "");
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
