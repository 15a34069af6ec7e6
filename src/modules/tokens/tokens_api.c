/* API tokens: JSON handlers (list, create, rotate, revoke, request log) and the admin page /dash/tokens. */
#include "modules/tokens/tokens.h"

#include "core/clock.h"
#include "html/layout.h"

#include <stdio.h>
#include <string.h>

#define REQUESTS_LIMIT_DEFAULT 100
#define REQUESTS_LIMIT_MAX     1000
#define PAGE_DAYS              7

/* "active", "grace" (rotated, still accepted until revoked_at), "revoked" or "expired" at now. */
static const char *token_state(const struct token_row *t, int64_t now)
{
    if (t->revoked_at && t->revoked_at <= now) return "revoked";
    if (t->expires_at && t->expires_at <= now) return "expired";
    if (t->revoked_at) return "grace";
    return "active";
}

static const char *state_zh(const char *state)
{
    return strcmp(state, "active") == 0    ? "有效"
           : strcmp(state, "grace") == 0   ? "轮换宽限期"
           : strcmp(state, "expired") == 0 ? "已过期"
                                           : "已吊销";
}

static json_t *time_or_null(int64_t t)
{
    return t ? json_integer(t) : json_null();
}

static json_t *token_json(const struct token_row *t, int64_t now)
{
    const struct reg_authority *ra = reg_authority_by_code(t->authority);
    return json_pack(
        "{s:I, s:I, s:s, s:s, s:s?, s:s?, s:s?, s:I, s:o, s:o, s:o, s:o, s:o, s:s}", "id", (json_int_t)t->id,
        "user_id", (json_int_t)t->user_id, "username", t->username, "role", t->role, "authority",
        t->authority, "authority_name", ra ? ra->name : NULL, "name", t->name, "created_at",
        (json_int_t)t->created_at, "last_used_at", time_or_null(t->last_used_at), "expires_at",
        time_or_null(t->expires_at), "revoked_at", time_or_null(t->revoked_at), "rotated_from",
        t->rotated_from ? json_integer(t->rotated_from) : json_null(), "rate_per_minute",
        t->rate_per_minute ? json_integer(t->rate_per_minute) : json_null(), "state", token_state(t, now));
}

/* GET /api/v1/tokens: admins every token, others their own. */
enum err tokens_api_list(struct req *r, struct resp *out)
{
    struct token_row *items = NULL;
    int n = 0;
    enum err e = tokens_list(r->db, r->a, r->who->role == ROLE_ADMIN ? 0 : r->who->user_id, &items, &n);
    if (e != OK) return e;
    int64_t now = clock_now();
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, token_json(&items[i], now));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

/* POST /api/v1/tokens {username, name?, expires_in_days?} (admin) → 201 {id, token} (the token shown once).
 */
enum err tokens_api_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *username = NULL, *name = NULL;
    int64_t days = 0;
    struct jspec spec[] = {
        JS_STRING("username", &username, 1, 64),
        {.name = "name",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &name,
         .min = 1,
         .max = 100},
        {.name = "expires_in_days",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &days,
         .min = 1,
         .max = 3650},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    char *token = NULL;
    int64_t id = 0, expires = days ? clock_now() + days * 86400 : 0;
    e = tokens_create(r->db, r->a, r->who, username, name, expires, &token, &id);
    if (e == ERR_NOT_FOUND) {
        fe_add(&r->fe, "username", "没有该账号（或已停用）");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    return resp_json(r, out, 201,
                     json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "token", token, "expires_at",
                               time_or_null(expires)));
}

/* The token of the path for a caller who may manage it: admins any, others their own (own_token: only with
 * that very token). ERR_NOT_FOUND / ERR_FORBIDDEN. */
static enum err token_for(struct req *r, bool own_token, struct token_row *t)
{
    enum err e = tokens_get(r->db, r->a, r->id[0], t);
    if (e != OK) return e;
    if (r->who->role == ROLE_ADMIN) return OK;
    if (t->user_id != r->who->user_id) return ERR_FORBIDDEN;
    if (own_token && r->who->token_id != t->id) {
        r->error_detail = "只能用该令牌本身轮换它（或由管理员轮换）";
        return ERR_FORBIDDEN;
    }
    return OK;
}

/* POST /api/v1/tokens/{id}/rotate (admin, or the token's user with that token) → 201 {id, token,
 * old_token_id, old_valid_until}. */
enum err tokens_api_rotate(struct req *r, struct resp *out)
{
    struct token_row t;
    enum err e = token_for(r, true, &t);
    if (e != OK) return e;
    char *token = NULL;
    int64_t new_id = 0, until = 0;
    e = tokens_rotate(r->db, r->a, r->who, t.id, &token, &new_id, &until);
    if (e == ERR_STATE) r->error_detail = "该令牌已吊销或过期，不能轮换";
    if (e != OK) return e;
    return resp_json(r, out, 201,
                     json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)new_id, "token", token,
                               "old_token_id", (json_int_t)t.id, "old_valid_until", (json_int_t)until));
}

/* DELETE /api/v1/tokens/{id} (admin, or the token's user) → 204; 409 invalid_state when already revoked. */
enum err tokens_api_revoke(struct req *r, struct resp *out)
{
    struct token_row t;
    enum err e = token_for(r, false, &t);
    if (e != OK) return e;
    e = tokens_revoke(r->db, r->who, t.id);
    if (e == ERR_STATE) r->error_detail = "该令牌已吊销";
    if (e != OK) return e;
    out->status = 204;
    out->content_type = "text/plain";
    return OK;
}

/* GET /api/v1/tokens/{id}/requests?limit=N (admin, or the token's user): newest first. */
enum err tokens_api_requests(struct req *r, struct resp *out)
{
    int64_t limit = REQUESTS_LIMIT_DEFAULT;
    if (!page_parse_int(req_query(r, "limit"), 1, REQUESTS_LIMIT_MAX, REQUESTS_LIMIT_DEFAULT, &limit)) {
        fe_add(&r->fe, "limit", "应为 1 到 1000 的整数");
        return ERR_VALIDATION;
    }
    struct token_row t;
    enum err e = token_for(r, false, &t);
    if (e != OK) return e;
    struct token_request *q = NULL;
    int n = 0;
    e = tokens_requests(r->db, r->a, t.id, (int)limit, &q, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr,
                              json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s?}", "id", (json_int_t)q[i].id,
                                        "at", (json_int_t)q[i].at, "method", q[i].method, "path", q[i].path,
                                        "status", (json_int_t)q[i].status, "duration_ms",
                                        (json_int_t)q[i].duration_ms, "client_ip", q[i].client_ip));
    return resp_json(r, out, 200, json_pack("{s:I, s:o}", "token_id", (json_int_t)t.id, "items", arr));
}

/* ---- The page -------------------------------------------------------------------------------------------
 */

static void op_form(struct html *h, struct req *r, const char *op, int64_t id, const char *label)
{
    html_lit(h, "<form method=\"post\" action=\"/dash/tokens\">");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"op\"");
    html_attr(h, "value", op);
    html_lit(h, "><input type=\"hidden\" name=\"id\"");
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)id);
    html_attr(h, "value", s);
    html_lit(h, "><button type=\"submit\">");
    html_text(h, label);
    html_lit(h, "</button></form>");
}

static enum err render(struct req *r, struct resp *out, unsigned status, const char *notice,
                       const char *token)
{
    struct token_row *t = NULL;
    int n = 0;
    enum err e = tokens_list(r->db, r->a, 0, &t, &n);
    if (e != OK) return e;
    int64_t now = clock_now(), today = clock_day_of(now), from = today - (PAGE_DAYS - 1);
    struct token_day_count *dc = NULL;
    int ndc = 0;
    e = tokens_day_counts(r->db, r->a, from, &dc, &ndc);
    if (e != OK) return e;

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "接口令牌");
    html_lit(&h,
             "<h1>接口令牌</h1>\n<p>登记机关等系统以令牌（<code>Authorization: Bearer …</code>）调用接口。"
             "轮换后旧令牌在宽限期内仍可用，吊销立即生效；每个令牌的请求都有记录，并按分钟限流。</p>\n");
    if (notice) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, notice);
        html_lit(&h, "</p>\n");
    }
    if (token) {
        html_lit(&h, "<p class=\"notice\">新令牌（仅显示一次，请妥善保存）：<code>");
        html_text(&h, token);
        html_lit(&h, "</code></p>\n");
    }
    page_field_errors(&h, &r->fe);
    if (n == 0) {
        html_lit(&h, "<p>还没有令牌。用 <code>tuoyu token create</code> 创建。</p>\n");
        page_end(&h);
        return resp_html(r, out, status, &h);
    }
    html_lit(&h, "<div class=\"table-wrap\"><table><thead><tr><th>编号</th><th>账号</th><th>登记机关</th>"
                 "<th>名称</th><th>创建</th><th>最近使用</th><th>到期</th><th>状态</th>");
    for (int d = 0; d < PAGE_DAYS; d++) {
        char day[11];
        date_format(from + d, day);
        html_lit(&h, "<th>");
        html_text(&h, day + 5); /* MM-DD */
        html_lit(&h, "</th>");
    }
    html_lit(&h, "<th>操作</th></tr></thead><tbody>\n");
    for (int i = 0; i < n; i++) {
        const char *state = token_state(&t[i], now);
        const struct reg_authority *ra = reg_authority_by_code(t[i].authority);
        html_lit(&h, "<tr><td>");
        html_int(&h, t[i].id);
        html_lit(&h, "</td><td>");
        html_text(&h, t[i].username);
        html_lit(&h, "</td><td>");
        html_text(&h, ra ? ra->name_zh : strcmp(t[i].role, "registrar") == 0 ? "全部" : "—");
        html_lit(&h, "</td><td>");
        html_text(&h, t[i].name ? t[i].name : "");
        html_lit(&h, "</td><td>");
        html_time(&h, t[i].created_at);
        html_lit(&h, "</td><td>");
        if (t[i].last_used_at)
            html_time(&h, t[i].last_used_at);
        else
            html_text(&h, "未使用");
        html_lit(&h, "</td><td>");
        if (t[i].expires_at)
            html_time(&h, t[i].expires_at);
        else
            html_text(&h, "不过期");
        html_lit(&h, "</td><td>");
        html_text(&h, state_zh(state));
        if (strcmp(state, "grace") == 0) {
            html_lit(&h, "（至 ");
            html_time(&h, t[i].revoked_at);
            html_lit(&h, "）");
        }
        html_lit(&h, "</td>");
        for (int d = 0; d < PAGE_DAYS; d++) {
            int64_t c = 0;
            for (int k = 0; k < ndc; k++)
                if (dc[k].token_id == t[i].id && dc[k].day == from + d) c = dc[k].count;
            html_lit(&h, "<td>");
            html_int(&h, c);
            html_lit(&h, "</td>");
        }
        html_lit(&h, "<td>");
        if (strcmp(state, "active") == 0) op_form(&h, r, "rotate", t[i].id, "轮换");
        if (strcmp(state, "active") == 0 || strcmp(state, "grace") == 0)
            op_form(&h, r, "revoke", t[i].id, "吊销");
        html_lit(&h, "</td></tr>\n");
    }
    html_lit(&h,
             "</tbody></table></div>\n<p>请求明细：<code>GET /api/v1/tokens/{id}/requests</code>。</p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* GET /dash/tokens (admin) */
enum err page_tokens(struct req *r, struct resp *out)
{
    return render(r, out, 200, NULL, NULL);
}

/* POST /dash/tokens op=rotate|revoke id=N (admin) */
enum err page_tokens_post(struct req *r, struct resp *out)
{
    const char *op = req_form(r, "op");
    int64_t id = 0;
    if (!page_parse_int(req_form(r, "id"), 1, INT64_MAX / 2, 0, &id) || id == 0) {
        fe_add(&r->fe, "id", "请选择令牌");
        return render(r, out, 422, NULL, NULL);
    }
    if (op && strcmp(op, "rotate") == 0) {
        char *token = NULL;
        int64_t new_id = 0, until = 0;
        enum err e = tokens_rotate(r->db, r->a, r->who, id, &token, &new_id, &until);
        if (e == ERR_NOT_FOUND || e == ERR_STATE) {
            fe_add(&r->fe, "id", "该令牌不存在、已吊销或已过期");
            return render(r, out, 422, NULL, NULL);
        }
        if (e != OK) return e;
        char msg[160];
        snprintf(msg, sizeof msg, "已轮换令牌 %lld，新令牌编号 %lld；旧令牌在宽限期结束前仍可使用。",
                 (long long)id, (long long)new_id);
        return render(r, out, 201, msg, token);
    }
    if (op && strcmp(op, "revoke") == 0) {
        enum err e = tokens_revoke(r->db, r->who, id);
        if (e == ERR_NOT_FOUND || e == ERR_STATE) {
            fe_add(&r->fe, "id", "该令牌不存在或已吊销");
            return render(r, out, 422, NULL, NULL);
        }
        if (e != OK) return e;
        char msg[96];
        snprintf(msg, sizeof msg, "已吊销令牌 %lld。", (long long)id);
        return render(r, out, 200, msg, NULL);
    }
    return ERR_BAD_REQUEST;
}
