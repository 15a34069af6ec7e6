/* The change feed and the outbox: JSON handlers and the admin page. */
#include "modules/exchange/exchange.h"

#include "core/clock.h"
#include "html/layout.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/tokens/tokens.h"

#include <stdio.h>
#include <string.h>

#define FEED_LIMIT_DEFAULT 100
#define FEED_LIMIT_MAX     1000

static const char *url_problem(const char *s)
{
    if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
        return "应以 http:// 或 https:// 开头";
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f) return "不能包含空白或控制字符";
    return NULL;
}

static const char *actions_problem(const char *s)
{
    return outbox_actions_valid(s) ? NULL : "应为 * 或以逗号分隔的事件名（小写字母和下划线）";
}

enum err changes_api_dispatch(struct req *r, struct resp *out)
{
    if (req_query(r, "since")) {
        if (!(r->who->role & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY | ROLE_AUDITOR | ROLE_REGISTRAR)))
            return ERR_FORBIDDEN;
        return changes_api_list(r, out);
    }
    if (r->who->role == ROLE_REGISTRAR) {
        r->error_detail = "登记机关请使用变更流：GET /api/v1/changes?since=0";
        return ERR_FORBIDDEN;
    }
    return change_api_list(r, out);
}

/* GET /api/v1/changes?since=SEQ&limit=N */
enum err changes_api_list(struct req *r, struct resp *out)
{
    int64_t since = 0, limit = FEED_LIMIT_DEFAULT;
    if (!page_parse_int(req_query(r, "since"), 0, INT64_MAX / 2, 0, &since))
        fe_add(&r->fe, "since", "应为不小于 0 的整数（上次返回的 next_since）");
    if (!page_parse_int(req_query(r, "limit"), 1, FEED_LIMIT_MAX, FEED_LIMIT_DEFAULT, &limit))
        fe_add(&r->fe, "limit", "应为 1 到 1000 的整数");
    if (r->fe.n) return ERR_VALIDATION;
    /* Sequence what has committed since the worker's last round, so a poller sees its own writes. */
    enum err e = feed_sequence(r->db, 500, NULL);
    if (e != OK) return e;
    const char *district = r->who->role == ROLE_COUNTY ? r->who->district : NULL;
    struct feed_event *items = NULL;
    int n = 0;
    /* A registrar bound to one registration authority reads only its institutions' events. */
    const struct reg_authority *ra =
        r->who->role == ROLE_REGISTRAR ? reg_authority_by_code(r->who->authority) : NULL;
    e = feed_list(r->db, r->a, since, (int)limit, district, ra ? ra->name : NULL, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, feed_event_json(&items[i]));
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:b}", "items", arr, "next_since",
                               (json_int_t)(n ? items[n - 1].seq : since), "more", n == (int)limit));
}

static json_t *receiver_json(const struct outbox_receiver *x)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:b, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}}", "id",
                     (json_int_t)x->id, "name", x->name, "url", x->url, "actions", x->actions, "authority",
                     x->authority, "active", x->active, "from_seq", (json_int_t)x->from_seq, "version",
                     (json_int_t)x->version, "created_at", (json_int_t)x->created_at, "updated_at",
                     (json_int_t)x->updated_at, "deliveries", "pending", (json_int_t)x->pending, "delivered",
                     (json_int_t)x->delivered, "dead", (json_int_t)x->dead);
}

/* GET /api/v1/outbox/receivers */
enum err outbox_api_receivers(struct req *r, struct resp *out)
{
    struct outbox_receiver *items = NULL;
    int n = 0;
    enum err e = outbox_receivers_list(r->db, r->a, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, receiver_json(&items[i]));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)n));
}

/* POST /api/v1/outbox/receivers {name, url, actions?, authority?, active?} → 201 with the secret (once). */
enum err outbox_api_receiver_create(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct outbox_receiver in = {.actions = "*", .active = true};
    struct jspec spec[] = {
        JS_STRING("name", &in.name, 1, 100),
        {.name = "url", .type = JT_STRING, .dst = &in.url, .min = 10, .max = 500, .check = url_problem},
        {.name = "actions",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.actions,
         .min = 1,
         .max = 2000,
         .check = actions_problem},
        {.name = "authority",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.authority,
         .min = 1,
         .max = 200},
        {.name = "active", .type = JT_BOOL, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &in.active},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    char *secret = NULL;
    int64_t id = 0;
    e = outbox_receiver_create(r->db, r->a, r->who, &in, &secret, &id);
    if (e == ERR_CONFLICT) {
        fe_add(&r->fe, "name", "该名称已被使用");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    struct outbox_receiver x;
    e = outbox_receiver_get(r->db, r->a, id, &x);
    if (e != OK) return e;
    json_t *j = receiver_json(&x);
    json_object_set_new(j, "secret", json_string(secret));
    return resp_json(r, out, 201, j);
}

/* PATCH /api/v1/outbox/receivers/{id} {version, url?, actions?, authority?, active?, rotate_secret?} */
enum err outbox_api_receiver_patch(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *url = NULL, *actions = NULL, *authority = NULL;
    bool active = true, active_given = false, rotate = false, authority_given = false;
    int64_t version = 0;
    struct jspec spec[] = {
        JS_INT("version", &version, 1, INT64_MAX / 2),
        {.name = "url",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &url,
         .min = 10,
         .max = 500,
         .check = url_problem},
        {.name = "actions",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &actions,
         .min = 1,
         .max = 2000,
         .check = actions_problem},
        {.name = "authority",
         .type = JT_STRING,
         .flags = JS_OPTIONAL,
         .dst = &authority,
         .min = 0,
         .max = 200,
         .present = &authority_given},
        {.name = "active",
         .type = JT_BOOL,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &active,
         .present = &active_given},
        {.name = "rotate_secret", .type = JT_BOOL, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &rotate},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    char *secret = NULL;
    e = outbox_receiver_update(r->db, r->a, r->who, r->id[0], version, url, actions,
                               authority_given ? (authority ? authority : "") : NULL,
                               active_given ? active : -1, rotate, &secret);
    if (e != OK) return e;
    struct outbox_receiver x;
    e = outbox_receiver_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    json_t *j = receiver_json(&x);
    if (rotate) json_object_set_new(j, "secret", json_string(secret));
    return resp_json(r, out, 200, j);
}

/* POST /api/v1/outbox/receivers/{id}/replay {seq?}: dead deliveries back in the queue. */
enum err outbox_api_replay(struct req *r, struct resp *out)
{
    int64_t seq = 0;
    if (r->body_len) {
        json_t *body;
        enum err e = req_json(r, &body);
        if (e != OK) return e;
        struct jspec spec[] = {
            {.name = "seq",
             .type = JT_INT,
             .flags = JS_OPTIONAL | JS_NULLABLE,
             .dst = &seq,
             .min = 1,
             .max = INT64_MAX / 2},
            JS_END,
        };
        if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    }
    struct outbox_receiver x;
    enum err e = outbox_receiver_get(r->db, r->a, r->id[0], &x);
    if (e != OK) return e;
    int64_t n = 0;
    e = outbox_replay(r->db, r->who, r->id[0], seq, &n);
    if (e == ERR_NOT_FOUND) {
        r->error_detail = "没有可重发的死信";
        return ERR_NOT_FOUND;
    }
    if (e != OK) return e;
    return resp_json(r, out, 200, json_pack("{s:I}", "replayed", (json_int_t)n));
}

static const char *const delivery_statuses[] = {"pending", "delivered", "dead", NULL};

/* GET /api/v1/outbox/deliveries?receiver=&status=&limit= */
enum err outbox_api_deliveries(struct req *r, struct resp *out)
{
    int64_t receiver = 0, limit = 100;
    if (!page_parse_int(req_query(r, "receiver"), 1, INT64_MAX / 2, 0, &receiver))
        fe_add(&r->fe, "receiver", "应为接收方编号");
    if (!page_parse_int(req_query(r, "limit"), 1, 1000, 100, &limit))
        fe_add(&r->fe, "limit", "应为 1 到 1000 的整数");
    const char *status = req_query(r, "status");
    if (status && !*status) status = NULL;
    if (status) {
        bool known = false;
        for (int i = 0; delivery_statuses[i]; i++)
            known |= strcmp(status, delivery_statuses[i]) == 0;
        if (!known) fe_add(&r->fe, "status", "应为 pending、delivered 或 dead");
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct outbox_delivery *items = NULL;
    int n = 0;
    enum err e = outbox_deliveries_list(r->db, r->a, receiver, status, (int)limit, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        const struct outbox_delivery *d = &items[i];
        json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:o, s:s?, s:o}", "receiver_id",
                                             (json_int_t)d->receiver_id, "seq", (json_int_t)d->seq,
                                             "institution_id", (json_int_t)d->institution_id, "action",
                                             d->action, "status", d->status, "attempts",
                                             (json_int_t)d->attempts, "last_status",
                                             d->last_status ? json_integer(d->last_status) : json_null(),
                                             "last_error", d->last_error, "delivered_at",
                                             d->delivered_at ? json_integer(d->delivered_at) : json_null()));
    }
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

/* ---- The page -------------------------------------------------------------------------------------------
 */

static void receivers_table(struct html *h, struct req *r, const struct outbox_receiver *x, int n)
{
    html_lit(
        h, "<div class=\"table-wrap\"><table><thead><tr><th>编号</th><th>名称</th><th>地址</th><th>事件</th>"
           "<th>登记机关</th><th>状态</th><th>待发送</th><th>已送达</th><th>死信</th><th></th></tr></"
           "thead><tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td>");
        html_int(h, x[i].id);
        html_lit(h, "</td><td>");
        html_text(h, x[i].name);
        html_lit(h, "</td><td><code>");
        html_text(h, x[i].url);
        html_lit(h, "</code></td><td>");
        html_text(h, x[i].actions);
        html_lit(h, "</td><td>");
        html_text(h, x[i].authority ? x[i].authority : "全部");
        html_lit(h, "</td><td>");
        html_text(h, x[i].active ? "启用" : "停用");
        html_lit(h, "</td><td>");
        html_int(h, x[i].pending);
        html_lit(h, "</td><td>");
        html_int(h, x[i].delivered);
        html_lit(h, "</td><td>");
        html_int(h, x[i].dead);
        html_lit(h, "</td><td>");
        if (x[i].dead) {
            html_lit(h, "<form method=\"post\" action=\"/dash/outbox\">");
            page_csrf(h, r);
            html_lit(h, "<input type=\"hidden\" name=\"op\" value=\"replay\"><input type=\"hidden\" "
                        "name=\"receiver\"");
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)x[i].id);
            html_attr(h, "value", id);
            html_lit(h, "><button type=\"submit\">重发死信</button></form>");
        }
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static enum err render(struct req *r, struct resp *out, unsigned status, const char *notice,
                       const char *secret)
{
    struct outbox_receiver *x = NULL;
    int n = 0;
    enum err e = outbox_receivers_list(r->db, r->a, &x, &n);
    if (e != OK) return e;
    struct outbox_delivery *dead = NULL;
    int ndead = 0;
    e = outbox_deliveries_list(r->db, r->a, 0, "dead", 50, &dead, &ndead);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "数据推送");
    html_lit(&h, "<h1>数据推送（发件箱）</h1>\n<p>备案决定、信息变更、注销等机构事件在同一事务中写入变更流，"
                 "按机构顺序推送给下列接收方（省级/国家备案系统、登记机关），失败自动重试，超过次数进入死信，"
                 "可在此重发。拉取方式：<code>GET /api/v1/changes?since=</code>。</p>\n");
    if (notice) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, notice);
        html_lit(&h, "</p>\n");
    }
    if (secret) {
        html_lit(&h, "<p class=\"notice\">签名密钥（仅显示一次，请妥善保存）：<code>");
        html_text(&h, secret);
        html_lit(&h, "</code></p>\n");
    }
    page_field_errors(&h, &r->fe);
    html_lit(&h, "<h2>接收方</h2>\n");
    receivers_table(&h, r, x, n);
    html_lit(&h, "<h2>新增接收方</h2>\n<form method=\"post\" action=\"/dash/outbox\" class=\"fields\">");
    page_csrf(&h, r);
    html_lit(&h, "<input type=\"hidden\" name=\"op\" value=\"create\">"
                 "<label>名称<input name=\"name\" required maxlength=\"100\"></label>"
                 "<label>地址<input name=\"url\" type=\"url\" required maxlength=\"500\" "
                 "placeholder=\"https://\"></label>"
                 "<label>事件（* 或逗号分隔）<input name=\"actions\" value=\"*\" maxlength=\"2000\"></label>"
                 "<label>仅限登记机关（可空）<input name=\"authority\" maxlength=\"200\"></label>"
                 "<p><button type=\"submit\">新增</button></p></form>\n");
    html_lit(&h, "<h2>死信（最近 50 条）</h2>\n");
    if (ndead == 0) {
        html_lit(&h, "<p>没有死信。</p>\n");
    } else {
        html_lit(
            &h,
            "<div "
            "class=\"table-wrap\"><table><thead><tr><th>接收方</th><th>序号</th><th>机构</th><th>事件</th>"
            "<th>尝试次数</th><th>最后错误</th></tr></thead><tbody>\n");
        for (int i = 0; i < ndead; i++) {
            html_lit(&h, "<tr><td>");
            html_int(&h, dead[i].receiver_id);
            html_lit(&h, "</td><td>");
            html_int(&h, dead[i].seq);
            html_lit(&h, "</td><td><a href=\"/dash/institutions/");
            html_int(&h, dead[i].institution_id);
            html_lit(&h, "\">");
            html_int(&h, dead[i].institution_id);
            html_lit(&h, "</a></td><td>");
            html_text(&h, dead[i].action);
            html_lit(&h, "</td><td>");
            html_int(&h, dead[i].attempts);
            html_lit(&h, "</td><td>");
            html_text(&h, dead[i].last_error);
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* GET /dash/outbox (admin) */
enum err page_outbox(struct req *r, struct resp *out)
{
    return render(r, out, 200, NULL, NULL);
}

/* POST /dash/outbox op=create|replay */
enum err page_outbox_post(struct req *r, struct resp *out)
{
    const char *op = req_form(r, "op");
    if (op && strcmp(op, "replay") == 0) {
        int64_t receiver = 0, n = 0;
        if (!page_parse_int(req_form(r, "receiver"), 1, INT64_MAX / 2, 0, &receiver) || receiver == 0)
            return ERR_BAD_REQUEST;
        enum err e = outbox_replay(r->db, r->who, receiver, 0, &n);
        if (e == ERR_NOT_FOUND) return render(r, out, 200, "没有可重发的死信。", NULL);
        if (e != OK) return e;
        char msg[64];
        snprintf(msg, sizeof msg, "已将 %lld 条死信重新排队。", (long long)n);
        return render(r, out, 200, msg, NULL);
    }
    if (!op || strcmp(op, "create") != 0) return ERR_BAD_REQUEST;
    struct outbox_receiver in = {.name = req_form(r, "name"),
                                 .url = req_form(r, "url"),
                                 .actions = req_form(r, "actions"),
                                 .authority = req_form(r, "authority"),
                                 .active = true};
    if (!in.name || !*in.name || strlen(in.name) > 300) fe_add(&r->fe, "name", "请填写名称（不超过 100 字）");
    const char *why = !in.url || !*in.url    ? "请填写地址"
                      : strlen(in.url) > 500 ? "地址过长"
                                             : url_problem(in.url);
    if (why) fe_add(&r->fe, "url", why);
    if (!in.actions || !*in.actions) in.actions = "*";
    if (actions_problem(in.actions)) fe_add(&r->fe, "actions", actions_problem(in.actions));
    if (in.authority && !*in.authority) in.authority = NULL;
    if (in.authority && strlen(in.authority) > 600) fe_add(&r->fe, "authority", "过长");
    if (r->fe.n) return render(r, out, 422, NULL, NULL);
    char *secret = NULL;
    int64_t id = 0;
    enum err e = outbox_receiver_create(r->db, r->a, r->who, &in, &secret, &id);
    if (e == ERR_CONFLICT) {
        fe_add(&r->fe, "name", "该名称已被使用");
        return render(r, out, 422, NULL, NULL);
    }
    if (e != OK) return e;
    return render(r, out, 201, "已新增接收方。", secret);
}
