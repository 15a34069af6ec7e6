/* XLSX exports: the router's hook for GET <list>?format=xlsx (the list's own handler run page by page),
 * the background export API (POST/GET /api/v1/exports…) and the page /dash/exports. */
#include "core/clock.h"
#include "core/log.h"
#include "export/export_jobs.h"
#include "html/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ---- Collecting a list's rows -------------------------------------------------------------------------- */

static bool replaced(const struct export_spec *s, const char *key)
{
    return strcmp(key, "format") == 0 || strcmp(key, "page") == 0 || strcmp(key, "before") == 0 ||
           (s->per_page && strcmp(key, s->per_page) == 0);
}

static int64_t first_id(json_t *items)
{
    json_t *id = json_object_get(json_array_get(items, 0), "id");
    return json_is_integer(id) ? json_integer_value(id) : -1;
}

enum err export_collect(struct req *r, const struct route *route, const struct export_spec *s, int max_rows,
                        bool page_arena, export_progress_fn progress, void *ctx, json_t **rows)
{
    struct req_kv *orig = r->query;
    int norig = r->nquery;
    struct arena *orig_a = r->a;
    struct req_kv *q = arena_alloc(orig_a, (size_t)(norig + 3) * sizeof *q);
    json_t *all = json_array();
    enum err e = OK;
    int64_t page = 1, before = 0, total = -1, prev_first = -1;
    size_t first_n = 0;
    for (;;) {
        int nq = 0;
        for (int i = 0; i < norig; i++)
            if (!replaced(s, orig[i].key)) q[nq++] = orig[i];
        if (s->per_page) q[nq++] = (struct req_kv){s->per_page, arena_printf(orig_a, "%d", s->per_page_max)};
        if (s->paging == EXP_PAGES)
            q[nq++] = (struct req_kv){"page", arena_printf(orig_a, "%lld", (long long)page)};
        if (s->paging == EXP_BEFORE && before)
            q[nq++] = (struct req_kv){"before", arena_printf(orig_a, "%lld", (long long)before)};
        r->query = q;
        r->nquery = nq;

        struct arena pa;
        if (page_arena) {
            arena_init(&pa, 0);
            r->a = &pa;
        }
        struct resp po = {0};
        e = route->fn(r, &po);
        if (page_arena) {
            r->a = orig_a;
            arena_free(&pa);
        }
        if (e == OK && po.status != 200) e = po.status == 404 ? ERR_NOT_FOUND : ERR_INTERNAL;
        json_t *doc = e == OK ? json_loadb(po.body ? po.body : "", po.len, 0, NULL) : NULL;
        free(po.body);
        if (e != OK) break;
        json_t *items = json_object_get(doc, s->items);
        if (!json_is_array(items)) {
            log_msg(LOG_ERROR, "export: %s answered without an array \"%s\"", s->pattern, s->items);
            json_decref(doc);
            e = ERR_INTERNAL;
            break;
        }
        size_t n = json_array_size(items);
        /* A handler that ignores ?page= would repeat its first page forever. */
        bool repeat = page > 1 && n && first_id(items) >= 0 && first_id(items) == prev_first;
        if (!repeat) json_array_extend(all, items);
        if (page == 1) first_n = n;
        prev_first = n ? first_id(items) : -1;
        json_t *t = json_object_get(doc, "total");
        if (s->paging == EXP_PAGES && json_is_integer(t)) total = json_integer_value(t);
        json_t *next = json_object_get(doc, "next_before");
        before = s->paging == EXP_BEFORE && json_is_integer(next) ? json_integer_value(next) : 0;
        json_decref(doc);
        int64_t done = (int64_t)json_array_size(all);
        if (done > max_rows) {
            e = ERR_TOO_LARGE;
            break;
        }
        bool last = repeat || n == 0 || s->paging == EXP_ONE || (s->paging == EXP_BEFORE && !before) ||
                    (s->paging == EXP_PAGES &&
                     ((total >= 0 && done >= total) || (total < 0 && n < first_n) || page >= 100000));
        if (progress) {
            e = progress(ctx, done, last ? done : total);
            if (e != OK) break;
        }
        if (last) break;
        page++;
    }
    r->query = orig;
    r->nquery = norig;
    if (e != OK) {
        json_decref(all);
        all = NULL;
    }
    *rows = all;
    return e;
}

enum err export_workbook(const struct export_spec *s, json_t *rows, char **out, size_t *len)
{
    struct xlsx_sheet sheet = {.name = s->title, .cols = s->cols, .ncols = s->ncols, .rows = rows};
    return xlsx_build(&sheet, 1, out, len);
}

void export_filenames(struct arena *a, const struct export_spec *s, int64_t day, const char **ascii,
                      const char **zh)
{
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    *ascii = arena_printf(a, "%s-%04d%02d%02d.xlsx", s->file, y, m, d);
    *zh = arena_printf(a, "%s-%04d%02d%02d.xlsx", s->title, y, m, d);
}

/* RFC 5987 percent-encoding of a UTF-8 string (attr-char kept). Arena string. */
static const char *ext_value(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("!#$&+-.^_`|~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = 0;
    return out;
}

enum err export_send(struct req *r, struct resp *out, const char *ascii, const char *zh, const char *p,
                     size_t n)
{
    enum err e = resp_bytes(r, out, 200, XLSX_TYPE, p, n);
    resp_header(
        r, out, "Content-Disposition",
        arena_printf(r->a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, ext_value(r->a, zh)));
    return e;
}

/* ---- GET <list>?format=xlsx ---------------------------------------------------------------------------- */

bool export_wanted(const struct req *r, const struct route *route)
{
    const char *f = req_query(r, "format");
    return f && strcmp(f, "xlsx") == 0 && !(route->flags & (ROUTE_HTML | ROUTE_OWN_FORMAT)) &&
           (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0);
}

struct audit_ctx {
    const struct principal *who;
    const char *action, *after;
};

static enum err audit_tx(struct db *db, void *ctx)
{
    struct audit_ctx *c = ctx;
    return audit_append(db, c->who, c->action, "export", 0, NULL, c->after);
}

/* The synchronous cap: EXPORT_SYNC_MAX_ROWS, or TUOYU_EXPORT_SYNC_MAX_ROWS (1..EXPORT_SYNC_MAX_ROWS, for
 * tests that cannot load 20,000 rows). */
static int sync_max_rows(void)
{
    const char *s = getenv("TUOYU_EXPORT_SYNC_MAX_ROWS");
    int n = s ? atoi(s) : 0;
    return n >= 1 && n <= EXPORT_SYNC_MAX_ROWS ? n : EXPORT_SYNC_MAX_ROWS;
}

enum err export_sync(struct req *r, const struct route *route, struct resp *out)
{
    const struct export_spec *s = export_spec_find(route->method, route->pattern);
    if (!s) {
        fe_add(&r->fe, "format", "该接口不支持导出 Excel（xlsx）");
        return ERR_BAD_REQUEST;
    }
    json_t *rows = NULL;
    int max = sync_max_rows();
    enum err e = export_collect(r, route, s, max, false, NULL, NULL, &rows);
    if (e == ERR_TOO_LARGE)
        r->error_detail =
            arena_printf(r->a,
                         "超过 %d 行：请缩小筛选范围，或使用后台导出（POST /api/v1/exports，页面 "
                         "/dash/exports）",
                         max);
    if (e != OK) return e;
    char *file = NULL;
    size_t len = 0;
    size_t n = json_array_size(rows);
    e = export_workbook(s, rows, &file, &len);
    json_decref(rows);
    if (e != OK) return e;
    json_t *after =
        json_pack("{s:s, s:s, s:I}", "route", route->pattern, "path", r->path, "rows", (json_int_t)n);
    struct audit_ctx ac = {r->who, "export.xlsx", json_text(r->a, after)};
    if (r->who) e = db_tx(r->db, audit_tx, &ac);
    if (e == OK) {
        const char *ascii, *zh;
        export_filenames(r->a, s, clock_day_of(clock_now()), &ascii, &zh);
        e = export_send(r, out, ascii, zh, file, len);
    }
    free(file);
    return e;
}

/* ---- The background export API ------------------------------------------------------------------------- */

/* Whether who may read route (its roles, or a public route). */
static bool may_read(const struct principal *who, const struct route *route)
{
    return (route->flags & ROUTE_PUBLIC) || (who && (who->role & route->roles));
}

/* The route of a spec, by method and pattern; NULL when the table has none. */
static const struct route *route_of(const struct export_spec *s)
{
    for (int k = 0; k < nroutes; k++)
        if (strcmp(routes[k].pattern, s->pattern) == 0 && strcmp(routes[k].method, s->method) == 0)
            return &routes[k];
    return NULL;
}

enum err export_api_lists(struct req *r, struct resp *out)
{
    json_t *arr = json_array(), *unmatched = json_array();
    for (int i = 0; i < nexport_specs; i++) {
        const struct export_spec *s = &export_specs[i];
        const struct route *route = route_of(s);
        if (!route) json_array_append_new(unmatched, json_string(s->pattern));
        if (!route || !may_read(r->who, route)) continue;
        json_t *cols = json_array();
        for (int c = 0; c < s->ncols; c++)
            json_array_append_new(
                cols, json_pack("{s:s, s:s}", "key", s->cols[c].key, "header", s->cols[c].header));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "route", s->pattern, "items",
                                             s->items, "title", s->title, "file", s->file, "district",
                                             s->district, "columns", cols));
    }
    /* unmatched: specs whose pattern is no route (a typo, or a route removed); the tests expect none. */
    return resp_json(r, out, 200, json_pack("{s:o, s:o}", "items", arr, "unmatched", unmatched));
}

/* Checks and queues an export of list (a path) with the filters q (an object of strings) for r->who: the
 * list must have a spec and r->who the route's roles; the first page runs now so that bad filters and
 * other territories are refused at once (the handler's own error). Field errors name "list" or "query".
 * *id gets the queued job. */
static enum err start_export(struct req *r, const char *list, json_t *q, int64_t *id)
{
    if (!list || list[0] != '/' || strchr(list, '?') || strlen(list) > 200) {
        fe_add(&r->fe, "list", "应为列表接口的路径，如 /api/v1/institutions");
        return ERR_VALIDATION;
    }
    struct req probe = {.a = r->a};
    int idx = router_match("GET", list, &probe);
    const struct export_spec *s = idx >= 0 ? export_spec_find("GET", routes[idx].pattern) : NULL;
    if (!s) {
        fe_add(&r->fe, "list", "不是可导出的列表");
        return ERR_VALIDATION;
    }
    const struct route *route = &routes[idx];
    if (!may_read(r->who, route)) return ERR_FORBIDDEN;
    size_t nq = q ? json_object_size(q) : 0;
    if (nq > 16) {
        fe_add(&r->fe, "query", "筛选条件过多");
        return ERR_VALIDATION;
    }
    struct req sub = *r;
    memcpy(sub.id, probe.id, sizeof sub.id);
    memcpy(sub.seg, probe.seg, sizeof sub.seg);
    sub.nseg = probe.nseg;
    sub.path = list;
    sub.query = arena_alloc(r->a, (nq + 1) * sizeof *sub.query);
    sub.nquery = 0;
    const char *key;
    json_t *val;
    if (q)
        json_object_foreach (q, key, val) {
            if (!json_is_string(val) || strlen(key) > 32 || strlen(json_string_value(val)) > 200) {
                fe_addf(&r->fe, "query", "筛选条件 %.32s 应为不超过 200 字的字符串", key);
                continue;
            }
            if (replaced(s, key)) continue;
            sub.query[sub.nquery++] =
                (struct req_kv){arena_strdup(r->a, key), arena_strdup(r->a, json_string_value(val))};
        }
    if (r->fe.n) return ERR_VALIDATION;
    /* The first page as a check of the filters and the territory. */
    struct resp po = {0};
    enum err e = route->fn(&sub, &po);
    free(po.body);
    r->fe = sub.fe;
    r->error_detail = sub.error_detail;
    if (e != OK) return e;
    json_t *clean = json_object();
    for (int i = 0; i < sub.nquery; i++)
        json_object_set_new(clean, sub.query[i].key, json_string(sub.query[i].value));
    const char *qtext = json_text(r->a, clean);
    return export_job_create(r->db, r->who, route->pattern, list, qtext ? qtext : "{}", id);
}

static enum err job_answer(struct req *r, struct resp *out, unsigned status, int64_t id)
{
    struct export_job j;
    enum err e = export_job_get(r->db, r->a, r->who->user_id, id, &j);
    if (e != OK) return e;
    return resp_json(r, out, status, export_job_json(&j));
}

/* The filters of POST /api/v1/exports: at most 16 members, each a string of up to 200 characters. */
static void check_query(json_t *value, const char *path, int index, struct field_errors *fe, void *ctx)
{
    (void)index;
    (void)ctx;
    if (json_object_size(value) > 16) fe_addf(fe, path, "筛选条件不能超过 16 个");
    const char *key;
    json_t *v;
    json_object_foreach (value, key, v)
        if (!json_is_string(v) || utf8_chars(json_string_value(v)) > 200 || strlen(key) > 32)
            fe_addf(fe, path, "筛选条件 %.32s 应为不超过 200 字的字符串", key);
}

enum err export_api_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *list = NULL;
    int format = 0;
    static const char *const formats[] = {"xlsx", NULL};
    const struct jspec spec[] = {
        JS_STRING("list", &list, 1, 200),
        {.name = "query", .type = JT_OBJECT, .flags = JS_OPTIONAL | JS_NULLABLE, .each = check_query},
        {.name = "format", .type = JT_ENUM, .flags = JS_OPTIONAL, .dst = &format, .values = formats},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    json_t *q = json_object_get(body, "query");
    if (r->fe.n) return ERR_VALIDATION;
    int64_t id = 0;
    e = start_export(r, list, json_is_object(q) ? q : NULL, &id);
    if (e != OK) return e;
    return job_answer(r, out, 202, id);
}

enum err export_api_list(struct req *r, struct resp *out)
{
    struct export_job *items = NULL;
    int n = 0;
    enum err e = export_jobs_of(r->db, r->a, r->who->user_id, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, export_job_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

enum err export_api_get(struct req *r, struct resp *out)
{
    return job_answer(r, out, 200, r->id[0]);
}

enum err export_api_file(struct req *r, struct resp *out)
{
    const char *data, *filename, *route;
    size_t len;
    enum err e = export_job_file(r->db, r->a, r->who, r->id[0], &data, &len, &filename, &route);
    if (e == ERR_STATE) r->error_detail = "导出尚未完成";
    if (e != OK) return e;
    const struct export_spec *s = export_spec_find("GET", route);
    const char *ascii = arena_printf(r->a, "%s-%lld.xlsx", s ? s->file : "export", (long long)r->id[0]);
    return export_send(r, out, ascii, filename ? filename : ascii, data, len);
}

/* ---- /dash/exports ------------------------------------------------------------------------------------- */

/* The lists offered on the page: without path parameters, readable by who. */
static bool offered(const struct req *r, const struct export_spec *s)
{
    const struct route *route = route_of(s);
    return route && !strchr(s->pattern, '{') && r->who && (r->who->role & route->roles) &&
           !(route->flags & ROUTE_PUBLIC);
}

static const char *status_zh(const char *s)
{
    return strcmp(s, "queued") == 0    ? "排队中"
           : strcmp(s, "running") == 0 ? "导出中"
           : strcmp(s, "done") == 0    ? "已完成"
                                       : "失败";
}

static enum err render(struct req *r, struct resp *out, unsigned status, enum err problem)
{
    struct export_job *jobs = NULL;
    int n = 0;
    enum err e = export_jobs_of(r->db, r->a, r->who->user_id, &jobs, &n);
    if (e != OK) return e;
    bool busy = false;
    for (int i = 0; i < n; i++)
        if (strcmp(jobs[i].status, "queued") == 0 || strcmp(jobs[i].status, "running") == 0) busy = true;

    const char *want = req_form(r, "list") ? req_form(r, "list") : req_query(r, "list");
    const char *want_district = req_form(r, "district") ? req_form(r, "district") : req_query(r, "district");
    struct html h = {0};
    page_begin(&h, r, "导出");
    html_lit(&h, "<h1>导出 Excel</h1>\n");
    page_problem_box(&h, r, problem, NULL);
    html_lit(&h, "<section aria-labelledby=\"new-export\"><h2 id=\"new-export\">新建导出</h2>\n"
                 "<p>导出在后台进行，完成后可在下方下载；文件保留 7 天。</p>\n"
                 "<form method=\"post\" action=\"/dash/exports\">");
    page_csrf(&h, r);
    html_lit(&h,
             "<p><label for=\"export-list\">列表</label> <select id=\"export-list\" name=\"list\" required>");
    for (int i = 0; i < nexport_specs; i++) {
        const struct export_spec *s = &export_specs[i];
        if (offered(r, s)) page_option(&h, s->pattern, s->title, want && strcmp(want, s->pattern) == 0);
    }
    html_lit(&h, "</select></p>\n");
    if (r->who->role == ROLE_COUNTY) {
        html_lit(&h, "<p>区县：仅本区县（");
        html_text(&h, r->who->district);
        html_lit(&h, "）</p>\n");
    } else {
        html_lit(&h, "<p><label for=\"export-district\">区县（适用于按区县筛选的列表）</label> "
                     "<input id=\"export-district\" name=\"district\" inputmode=\"numeric\" maxlength=\"6\" "
                     "placeholder=\"如 420303，留空为全部\"");
        if (want_district) html_attr(&h, "value", want_district);
        html_lit(&h, "></p>\n");
    }
    html_lit(&h, "<p><button type=\"submit\">开始导出</button></p></form></section>\n");

    html_lit(&h, "<section aria-labelledby=\"my-exports\"><h2 id=\"my-exports\">我的导出</h2>\n");
    if (!n)
        html_lit(&h, "<p>暂无导出。</p>\n");
    else {
        html_lit(
            &h,
            "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
            "aria-label=\"我的导出\"><table><thead><tr><th scope=\"col\">编号</th><th scope=\"col\">列表</th>"
            "<th scope=\"col\">状态</th><th scope=\"col\">进度</th><th scope=\"col\">创建时间</th>"
            "<th scope=\"col\">文件</th></tr></thead><tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct export_job *j = &jobs[i];
            const struct export_spec *s = export_spec_find("GET", j->route);
            html_lit(&h, "<tr><td>");
            html_int(&h, j->id);
            html_lit(&h, "</td><td>");
            html_text(&h, s ? s->title : j->path);
            if (strcmp(j->query, "{}") != 0) {
                html_lit(&h, " <small>");
                html_text(&h, j->query);
                html_lit(&h, "</small>");
            }
            html_lit(&h, "</td><td>");
            html_text(&h, status_zh(j->status));
            if (j->error) {
                html_lit(&h, "：");
                html_text(&h, j->error);
            }
            html_lit(&h, "</td><td><progress max=\"100\"");
            int64_t pct = strcmp(j->status, "done") == 0 ? 100
                          : j->rows_total > 0            ? j->rows_done * 100 / j->rows_total
                                                         : 0;
            if (pct > 100) pct = 100;
            char v[24];
            snprintf(v, sizeof v, "%lld", (long long)pct);
            html_attr(&h, "value", v);
            html_lit(&h, ">");
            html_int(&h, pct);
            html_lit(&h, "%</progress> ");
            html_int(&h, j->rows_done);
            if (j->rows_total >= 0) {
                html_lit(&h, " / ");
                html_int(&h, j->rows_total);
            }
            html_lit(&h, " 行</td><td>");
            html_time(&h, j->created_at);
            html_lit(&h, "</td><td>");
            if (strcmp(j->status, "done") == 0) {
                char href[64];
                snprintf(href, sizeof href, "/api/v1/exports/%lld/file", (long long)j->id);
                html_lit(&h, "<a");
                html_attr(&h, "href", href);
                html_lit(&h, ">下载</a>");
            } else {
                html_lit(&h, "—");
            }
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    html_lit(&h, "</section>\n");
    page_end(&h);
    e = resp_html(r, out, status, &h);
    if (e != OK || !busy) return e;
    /* While a job runs the page refreshes itself every 2 s: the meta element goes into the head that
     * page_begin wrote. */
    static const char head[] = "<head>\n", meta[] = "<meta http-equiv=\"refresh\" content=\"2\">\n";
    char *at = out->body ? strstr(out->body, head) : NULL;
    if (at) {
        size_t pre = (size_t)(at - out->body) + sizeof head - 1, m = sizeof meta - 1;
        char *body = malloc(out->len + m + 1);
        if (!body) return OK;
        memcpy(body, out->body, pre);
        memcpy(body + pre, meta, m);
        memcpy(body + pre + m, out->body + pre, out->len - pre + 1);
        free(out->body);
        out->body = body;
        out->len += m;
    }
    return OK;
}

enum err export_page(struct req *r, struct resp *out)
{
    return render(r, out, 200, OK);
}

enum err export_page_post(struct req *r, struct resp *out)
{
    const char *list = req_form(r, "list"), *district = req_form(r, "district");
    const struct export_spec *s = list ? export_spec_find("GET", list) : NULL;
    if (!s || !offered(r, s)) {
        fe_add(&r->fe, "list", "请选择可导出的列表");
        return render(r, out, 422, ERR_VALIDATION);
    }
    json_t *q = json_object();
    if (district && *district && s->district) json_object_set_new(q, "district", json_string(district));
    int64_t id = 0;
    enum err e = start_export(r, list, q, &id);
    json_decref(q);
    if (e == ERR_VALIDATION || e == ERR_NOT_FOUND || e == ERR_BAD_REQUEST)
        return render(r, out, err_status(e), e);
    if (e != OK) return e;
    return resp_redirect(r, out, "/dash/exports");
}
