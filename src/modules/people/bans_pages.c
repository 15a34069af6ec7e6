/* The ban register page for officials (/dash/bans): check an ID number (命中/未命中 with the deciding
 * authority and decision number), record a ban, the recent refused hires of the official's territory, and the
 * register itself with masked numbers only. The forms are turned into the same JSON bodies the API takes, so
 * one validator and one store serve both. A clear ID number typed into a form is never written back to a
 * page. */
#include "html/layout.h"
#include "modules/people/bans.h"

#include <string.h>

#define PAGE_ROWS 100

static const char *const add_fields[] = {"name",      "id_number",       "kind",       "ends_on", "reason",
                                         "authority", "decision_number", "decided_on", NULL};
static const char *const check_fields[] = {"id_number", "name", NULL};

/* What a posted form left behind for the page to show. */
struct outcome {
    const char *action; /* "add" | "check" | NULL */
    const char *notice;
    json_t *check; /* {"match","ban"} after a check */
};

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *kind_zh(const char *kind)
{
    return strcmp(kind, "lifetime") == 0 ? "终身禁入" : strcmp(kind, "term") == 0 ? "定期禁入" : kind;
}

static const char *purpose_zh(const char *p)
{
    return strcmp(p, "hire") == 0       ? "录用前核查"
           : strcmp(p, "yearly") == 0   ? "年度核查"
           : strcmp(p, "official") == 0 ? "主管部门核查"
                                        : p;
}

/* A form value to put back into an input after a failed post of the same form; never the ID number. */
static const char *kept(struct req *r, const struct outcome *o, const char *action, const char *key)
{
    if (!o->action || strcmp(o->action, action) != 0 || !r->fe.n || strcmp(key, "id_number") == 0) return "";
    const char *v = req_form(r, key);
    return v ? v : "";
}

static void text_input(struct html *h, struct req *r, const struct outcome *o, const char *action,
                       const char *id, const char *name, const char *label, const char *type, int maxlength,
                       bool required)
{
    html_lit(h, "<p><label");
    html_attr(h, "for", id);
    html_lit(h, ">");
    html_text(h, label);
    html_lit(h, "</label><input");
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_attr(h, "type", type);
    if (maxlength > 0) {
        html_lit(h, " maxlength=\"");
        html_int(h, maxlength);
        html_lit(h, "\"");
    }
    if (required) html_lit(h, " required");
    if (strcmp(name, "id_number") == 0) html_lit(h, " autocomplete=\"off\" spellcheck=\"false\"");
    html_attr(h, "value", kept(r, o, action, name));
    html_lit(h, "></p>\n");
}

static void check_result(struct html *h, json_t *res)
{
    json_t *ban = json_object_get(res, "ban");
    html_lit(h, "<div class=\"notice\" role=\"status\" id=\"check-result\">");
    if (json_is_true(json_object_get(res, "match")) && json_is_object(ban)) {
        html_lit(h, "<p><span class=\"badge bad\">命中</span> 该身份证号码（");
        html_text(h, str(ban, "id_number_masked"));
        html_lit(h, "）在禁入名单中：");
        html_text(h, kind_zh(str(ban, "kind")));
        if (json_is_string(json_object_get(ban, "ends_on"))) {
            html_lit(h, "，至 ");
            html_text(h, str(ban, "ends_on"));
        }
        html_lit(h, "。</p>\n<p>决定机关：");
        html_text(h, str(ban, "authority"));
        html_lit(h, "；决定文号：");
        html_text(h, str(ban, "decision_number"));
        html_lit(h, "；决定日期：");
        html_text(h, str(ban, "decided_on"));
        html_lit(h, "。</p>");
    } else {
        html_lit(h, "<p><span class=\"badge ok\">未命中</span> 该身份证号码不在有效的禁入名单中。</p>");
    }
    html_lit(h, "</div>\n");
}

static void matches_table(struct html *h, json_t *items)
{
    html_lit(h,
             "<section aria-labelledby=\"matches\"><h2 id=\"matches\">近期被拒录用（命中禁入名单）</h2>\n");
    if (!items || json_array_size(items) == 0) {
        html_lit(h, "<p>暂无记录。</p></section>\n");
        return;
    }
    html_lit(h,
             "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">时间</th><th scope=\"col\">机构</th>"
             "<th scope=\"col\">姓名</th><th scope=\"col\">身份证号码</th><th scope=\"col\">核查类型</th>"
             "<th scope=\"col\">禁入记录</th></tr></thead><tbody>\n");
    size_t i;
    json_t *m;
    json_array_foreach (items, i, m) {
        html_lit(h, "<tr><td>");
        html_time(h, json_integer_value(json_object_get(m, "checked_at")));
        html_lit(h, "</td><td><a href=\"/dash/institutions/");
        html_int(h, json_integer_value(json_object_get(m, "institution_id")));
        html_lit(h, "\">");
        html_text(h, str(m, "institution_name"));
        html_lit(h, "</a></td><td>");
        html_text(h, str(m, "name"));
        html_lit(h, "</td><td>");
        html_text(h, str(m, "id_number_masked"));
        html_lit(h, "</td><td>");
        html_text(h, purpose_zh(str(m, "purpose")));
        html_lit(h, "</td><td>");
        html_int(h, json_integer_value(json_object_get(m, "ban_id")));
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div></section>\n");
}

static void register_table(struct html *h, json_t *items)
{
    html_lit(h, "<section aria-labelledby=\"register\"><h2 id=\"register\">禁入名单</h2>\n");
    if (!items || json_array_size(items) == 0) {
        html_lit(h, "<p>名单为空。</p></section>\n");
        return;
    }
    html_lit(h,
             "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">编号</th><th scope=\"col\">姓名</th>"
             "<th scope=\"col\">身份证号码</th><th scope=\"col\">类型</th><th scope=\"col\">截止日期</th>"
             "<th scope=\"col\">决定机关</th><th scope=\"col\">决定文号</th><th scope=\"col\">决定日期</th>"
             "<th scope=\"col\">状态</th></tr></thead><tbody>\n");
    size_t i;
    json_t *b;
    json_array_foreach (items, i, b) {
        html_lit(h, "<tr><td>");
        html_int(h, json_integer_value(json_object_get(b, "id")));
        html_lit(h, "</td><td>");
        html_text(h, str(b, "name"));
        html_lit(h, "</td><td>");
        html_text(h, str(b, "id_number_masked"));
        html_lit(h, "</td><td>");
        html_text(h, kind_zh(str(b, "kind")));
        html_lit(h, "</td><td>");
        html_text(h, json_is_string(json_object_get(b, "ends_on")) ? str(b, "ends_on") : "—");
        html_lit(h, "</td><td>");
        html_text(h, str(b, "authority"));
        html_lit(h, "</td><td>");
        html_text(h, str(b, "decision_number"));
        html_lit(h, "</td><td>");
        html_text(h, str(b, "decided_on"));
        html_lit(h, "</td><td>");
        if (json_is_true(json_object_get(b, "active")))
            html_lit(h, "<span class=\"badge bad\">有效</span>");
        else
            html_lit(h, "<span class=\"badge\">已失效</span>");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div></section>\n");
}

/* The whole page. Reading the register and the matches is audited by the store. */
static enum err render(struct req *r, struct resp *out, unsigned status, const struct outcome *o)
{
    json_t *bans = NULL, *matches = NULL;
    enum err e = ban_matches_json(r->db, r->a, r->who, 0, PAGE_ROWS, &matches, NULL);
    if (e == OK) e = ban_list_json(r->db, r->a, r->who, 0, PAGE_ROWS, &bans, NULL);
    if (e != OK) {
        if (matches) json_decref(matches);
        return e;
    }
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "禁入名单");
    html_lit(&h, "<h1>禁入名单</h1>\n<p "
                 "class=\"meta\">身份证号码只以脱敏形式显示；每次核查和查阅都记入审计日志。</p>\n");
    if (o->notice) {
        html_lit(&h, "<p class=\"notice\" role=\"status\">");
        html_text(&h, o->notice);
        html_lit(&h, "</p>\n");
    }
    page_field_errors(&h, &r->fe);

    html_lit(&h, "<section aria-labelledby=\"check\"><h2 id=\"check\">核查身份证号码</h2>\n");
    if (o->check) check_result(&h, o->check);
    html_lit(&h, "<form method=\"post\" action=\"/dash/bans\" class=\"form\">");
    page_csrf(&h, r);
    html_lit(&h, "<input type=\"hidden\" name=\"action\" value=\"check\">\n");
    text_input(&h, r, o, "check", "check-id-number", "id_number", "身份证号码（18 位）", "text", 18, true);
    text_input(&h, r, o, "check", "check-name", "name", "姓名（可不填）", "text", 50, false);
    html_lit(&h, "<p><button type=\"submit\">核查</button></p></form></section>\n");

    html_lit(&h, "<section aria-labelledby=\"add\"><h2 id=\"add\">记录禁入决定</h2>\n"
                 "<form method=\"post\" action=\"/dash/bans\" class=\"form\">");
    page_csrf(&h, r);
    html_lit(&h, "<input type=\"hidden\" name=\"action\" value=\"add\">\n");
    text_input(&h, r, o, "add", "ban-name", "name", "姓名", "text", 50, true);
    text_input(&h, r, o, "add", "ban-id-number", "id_number", "身份证号码（18 位）", "text", 18, true);
    const char *kind = kept(r, o, "add", "kind");
    html_lit(&h, "<p><label for=\"ban-kind\">禁入类型</label><select id=\"ban-kind\" name=\"kind\">");
    page_option(&h, "lifetime", "终身禁入", strcmp(kind, "term") != 0);
    page_option(&h, "term", "定期禁入", strcmp(kind, "term") == 0);
    html_lit(&h, "</select></p>\n");
    text_input(&h, r, o, "add", "ban-ends-on", "ends_on", "截止日期（定期禁入必填）", "date", 0, false);
    html_lit(
        &h, "<p><label for=\"ban-reason\">事由</label><textarea id=\"ban-reason\" name=\"reason\" rows=\"3\" "
            "maxlength=\"500\" required>");
    html_text(&h, kept(r, o, "add", "reason"));
    html_lit(&h, "</textarea></p>\n");
    text_input(&h, r, o, "add", "ban-authority", "authority", "决定机关", "text", 100, true);
    text_input(&h, r, o, "add", "ban-decision-number", "decision_number", "决定文号", "text", 100, true);
    text_input(&h, r, o, "add", "ban-decided-on", "decided_on", "决定日期", "date", 0, true);
    html_lit(&h, "<p><button type=\"submit\">记录</button></p></form></section>\n");

    matches_table(&h, matches);
    register_table(&h, bans);
    page_end(&h);
    json_decref(matches);
    json_decref(bans);
    return resp_html(r, out, status, &h);
}

enum err page_bans(struct req *r, struct resp *out)
{
    struct outcome o = {0};
    return render(r, out, 200, &o);
}

/* The non-empty values of the named form fields as a JSON object of strings, kept as r->json so that it is
 * released with the request (strings the store borrows from it live as long). */
static json_t *form_body(struct req *r, const char *const *keys)
{
    json_t *body = json_object();
    for (int i = 0; keys[i]; i++) {
        const char *v = req_form(r, keys[i]);
        if (v && *v) json_object_set_new(body, keys[i], json_string(v));
    }
    if (r->json) json_decref(r->json);
    r->json = body;
    return body;
}

enum err page_bans_post(struct req *r, struct resp *out)
{
    const char *action = req_form(r, "action");
    struct outcome o = {.action = action};
    enum err e;
    if (action && strcmp(action, "check") == 0) {
        e = ban_check_json(r->db, r->a, r->who, form_body(r, check_fields), &r->fe, &o.check);
        if (e == ERR_VALIDATION) return render(r, out, 422, &o);
        if (e != OK) return e;
        e = render(r, out, 200, &o);
        json_decref(o.check);
        return e;
    }
    if (action && strcmp(action, "add") == 0) {
        json_t *ban = NULL;
        e = ban_add_json(r->db, r->a, r->who, form_body(r, add_fields), &r->fe, &ban);
        if (e == ERR_VALIDATION) return render(r, out, 422, &o);
        if (e != OK) return e;
        o.notice = arena_printf(r->a, "已记录禁入决定（编号 %lld，身份证号码 %s）。",
                                (long long)json_integer_value(json_object_get(ban, "id")),
                                str(ban, "id_number_masked"));
        json_decref(ban);
        return render(r, out, 201, &o);
    }
    fe_add(&r->fe, "action", "应为 add（记录禁入决定）或 check（核查身份证号码）");
    return render(r, out, 422, &o);
}
