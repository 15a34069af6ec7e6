/* The people pages: an operator's classes, staff and children with the forms to add them (no JavaScript), and
 * the same tables read-only for officials of the district (an audited read of persons' records). Numbers are
 * shown masked; compliance findings appear to operators as counts and messages (which name nobody). */
#include "auth/auth.h"
#include "core/clock.h"
#include "html/layout.h"
#include "modules/compliance/compliance.h"
#include "modules/filing/filing.h"
#include "modules/people/child_store.h"
#include "modules/people/class_store.h"
#include "modules/people/people.h"

#include <string.h>

static const char *const education_names_zh[] = {"无学历或小学、初中", "中专或高中", "大专", "本科",
                                                 "硕士及以上",         NULL};
static const char *const sex_names[] = {"female", "male", NULL};
static const char *const sex_names_zh[] = {"女", "男", NULL};
static const char *const result_names[] = {"pass", "fail", NULL};
static const char *const result_names_zh[] = {"合格", "不合格", NULL};

/* Everything a people page shows about one institution. */
struct view {
    struct people_inst inst;
    int64_t today;
    struct class_row *classes;
    int nclasses;
    struct staff_brief *staff;
    int nstaff;
    struct child_row *children;
    int nchildren;
    struct open_finding *findings;
    int nfindings;
    struct due_item *due;
    int ndue;
};

static enum err load_view(struct req *r, int64_t inst_id, struct view *v)
{
    memset(v, 0, sizeof *v);
    v->today = clock_day_of(clock_now());
    enum err e = class_store_inst(r->db, r->a, inst_id, &v->inst);
    if (e == OK) e = class_list(r->db, r->a, inst_id, v->today, false, &v->classes, &v->nclasses);
    if (e == OK) e = class_store_staff(r->db, r->a, inst_id, v->today, &v->staff, &v->nstaff);
    if (e == OK) e = child_list(r->db, r->a, inst_id, 0, false, v->today, &v->children, &v->nchildren);
    if (e == OK) e = compliance_open(r->db, r->a, inst_id, &v->findings, &v->nfindings);
    if (e == OK) e = checks_due_list(r->db, r->a, inst_id, v->today, 30, &v->due, &v->ndue);
    return e;
}

static const char *zh_of(const char *const *names, const char *const *zh, const char *name)
{
    for (int i = 0; name && names[i]; i++)
        if (strcmp(names[i], name) == 0) return zh[i];
    return name ? name : "—";
}

static const char *due_kind_zh(const char *kind)
{
    static const char *const names[] = {"yearly", "admission", "pre_employment", "return", NULL};
    static const char *const zh[] = {"年度体检", "入托体检", "上岗前体检", "返园体检", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], kind) == 0) return zh[i];
    return zh_of(cert_kind_names, cert_kind_names_zh, kind);
}

static const char *severity_zh(const char *s)
{
    static const char *const zh[] = {"违规", "警告", "提醒", NULL};
    return zh_of(cmp_severity_names, zh, s);
}

/* ---- Tables
 * ------------------------------------------------------------------------------------------------- */

/* Children per caregiver a class of type may have: the national ratio, or the home-based one. */
static double ratio_max(int type, bool home_based)
{
    static const char *const keys[CLASS__COUNT] = {"ratio_infant", "ratio_toddler", "ratio_older",
                                                   "ratio_mixed"};
    if (home_based) return threshold_get("home_ratio");
    return type >= 0 && type < CLASS__COUNT ? threshold_get(keys[type]) : 0;
}

static void classes_table(struct html *h, const struct view *v)
{
    html_lit(h, "<section aria-labelledby=\"classes-h\"><h2 id=\"classes-h\">班级</h2>\n");
    if (!v->nclasses) {
        html_lit(h, "<p>还没有班级。</p></section>\n");
        return;
    }
    html_lit(h,
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"班级\"><table>\n"
             "<thead><tr><th scope=\"col\">班级</th><th scope=\"col\">类型</th><th scope=\"col\" "
             "class=\"num\">容量"
             "</th><th scope=\"col\" class=\"num\">在班</th><th scope=\"col\">保育人员</th>"
             "<th scope=\"col\" class=\"num\">空位</th><th scope=\"col\">保育人员与幼儿比</th></tr></thead>\n"
             "<tbody>\n");
    for (int i = 0; i < v->nclasses; i++) {
        const struct class_row *k = &v->classes[i];
        html_lit(h, "<tr><td>");
        html_text(h, k->name);
        html_lit(h, "</td><td>");
        html_text(h, k->type >= 0 ? class_type_names_zh[k->type] : "—");
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, k->capacity);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, k->enrolled);
        html_lit(h, "</td><td class=\"wrap\">");
        for (int j = 0; j < k->ncaregivers; j++) {
            if (j) html_lit(h, "、");
            html_text(h, k->caregiver_names[j]);
        }
        if (!k->ncaregivers) html_lit(h, "—");
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, k->capacity > k->enrolled ? k->capacity - k->enrolled : 0);
        html_lit(h, "</td><td>");
        double max = ratio_max(k->type, v->inst.home_based);
        bool over = k->enrolled > 0 && (double)k->enrolled > (double)k->ncaregivers * max;
        if (!k->ncaregivers) {
            html_lit(h, "无保育人员");
        } else {
            html_lit(h, "1 : ");
            page_decimal(h, (double)k->enrolled / (double)k->ncaregivers, 1);
        }
        html_lit(h, "（标准 1 : ");
        page_decimal(h, max, 0);
        html_lit(h, "）");
        if (over) html_lit(h, " <span class=\"badge bad\">超出配比</span>");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div></section>\n");
}

static void staff_table(struct html *h, const struct view *v)
{
    html_lit(h, "<section aria-labelledby=\"staff-h\"><h2 id=\"staff-h\">在职工作人员</h2>\n");
    if (!v->nstaff) {
        html_lit(h, "<p>还没有工作人员。</p></section>\n");
        return;
    }
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"在职工作人员\"><table>\n"
           "<thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">岗位</th><th scope=\"col\">身份证号</th>"
           "<th scope=\"col\">入职日期</th><th scope=\"col\">联系电话</th><th scope=\"col\">学历</th>"
           "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < v->nstaff; i++) {
        const struct staff_brief *s = &v->staff[i];
        html_lit(h, "<tr><td>");
        html_text(h, s->name);
        html_lit(h, "</td><td>");
        html_text(h, zh_of(staff_role_names, staff_role_names_zh, s->role));
        html_lit(h, "</td><td><code>");
        html_text(h, s->id_masked);
        html_lit(h, "</code></td><td>");
        html_date(h, s->hired_on);
        html_lit(h, "</td><td>");
        html_text(h, s->phone_masked ? s->phone_masked : "—");
        html_lit(h, "</td><td>");
        html_text(h, s->education ? zh_of(education_names, education_names_zh, s->education) : "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div></section>\n");
}

static void children_table(struct html *h, const struct view *v)
{
    html_lit(h, "<section aria-labelledby=\"children-h\"><h2 id=\"children-h\">在托幼儿</h2>\n");
    if (!v->nchildren) {
        html_lit(h, "<p>还没有在托幼儿。</p></section>\n");
        return;
    }
    html_lit(
        h,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"在托幼儿\"><table>\n"
        "<thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">身份证号</th><th scope=\"col\">性别</th>"
        "<th scope=\"col\" class=\"num\">月龄</th><th scope=\"col\">班级</th><th scope=\"col\">入托日期</th>"
        "<th scope=\"col\">下次体检</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < v->nchildren; i++) {
        const struct child_row *c = &v->children[i];
        html_lit(h, "<tr><td>");
        html_text(h, c->name);
        html_lit(h, "</td><td><code>");
        html_text(h, c->id_masked);
        html_lit(h, "</code></td><td>");
        html_text(h, zh_of(sex_names, sex_names_zh, c->sex));
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, child_age_months(c->birth_on, v->today));
        html_lit(h, "</td><td>");
        html_text(h, c->class_name ? c->class_name : "未分班");
        html_lit(h, "</td><td>");
        html_date(h, c->start_on);
        html_lit(h, "</td><td>");
        html_date(h, c->next_check_due);
        if (c->next_check_due < v->today) html_lit(h, " <span class=\"badge bad\">逾期</span>");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div></section>\n");
}

static void due_table(struct html *h, const struct view *v)
{
    html_lit(h, "<section aria-labelledby=\"due-h\"><h2 id=\"due-h\">30 天内到期或已逾期的体检和证书</h2>\n");
    if (!v->ndue) {
        html_lit(h, "<p>没有到期事项。</p></section>\n");
        return;
    }
    html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"到期事项\"><table>\n"
                "<thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">对象</th><th scope=\"col\">事项</th>"
                "<th scope=\"col\">到期日</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < v->ndue; i++) {
        const struct due_item *d = &v->due[i];
        html_lit(h, "<tr><td>");
        html_text(h, d->name);
        html_lit(h, "</td><td>");
        html_text(h, strcmp(d->subject, "child") == 0 ? "幼儿" : "工作人员");
        html_lit(h, "</td><td>");
        html_text(h, due_kind_zh(d->kind));
        html_lit(h, "</td><td>");
        html_date(h, d->due_on);
        if (d->overdue) html_lit(h, " <span class=\"badge bad\">已逾期</span>");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div></section>\n");
}

/* Findings for the operator: counts per severity and each message (messages name nobody); officials get the
 * subject, clause and first day too. */
static void findings_section(struct html *h, const struct view *v, bool full)
{
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < v->nfindings; i++)
        for (int s = 0; s < 3; s++)
            if (strcmp(v->findings[i].severity, cmp_severity_names[s]) == 0) counts[s]++;
    html_lit(h, "<section aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">合规检查发现</h2>\n"
                "<p id=\"finding-counts\">违规 <strong>");
    html_int(h, counts[0]);
    html_lit(h, "</strong> 项 · 警告 <strong>");
    html_int(h, counts[1]);
    html_lit(h, "</strong> 项 · 提醒 <strong>");
    html_int(h, counts[2]);
    html_lit(h, "</strong> 项</p>\n");
    if (!v->nfindings) {
        html_lit(h, "</section>\n");
        return;
    }
    html_lit(h, "<ul class=\"findings\">\n");
    for (int i = 0; i < v->nfindings; i++) {
        const struct open_finding *f = &v->findings[i];
        html_lit(h, "<li class=\"finding");
        if (strcmp(f->severity, "violation") == 0) html_lit(h, " violation");
        if (strcmp(f->severity, "warning") == 0) html_lit(h, " warning");
        html_lit(h, "\"");
        html_attr(h, "data-rule", f->rule);
        html_lit(h, "><span class=\"badge\">");
        html_text(h, severity_zh(f->severity));
        html_lit(h, "</span> ");
        html_text(h, f->message);
        if (full) {
            html_lit(h, "<span class=\"clause\">");
            html_text(h, f->clause);
            html_lit(h, " · 对象 <code>");
            html_text(h, f->subject);
            html_lit(h, "</code> · 首次发现 ");
            html_time(h, f->first_seen);
            html_lit(h, "</span>");
        }
        html_lit(h, "</li>\n");
    }
    html_lit(h, "</ul></section>\n");
}

/* ---- Forms
 * -------------------------------------------------------------------------------------------------- */

/* What the operator typed into the form that was posted (action), so it comes back after a refusal. */
static const char *typed(const struct req *r, const char *form, const char *key)
{
    const char *action = req_form(r, "action");
    if (!action || strcmp(action, form) != 0) return NULL;
    return req_form(r, key);
}

static bool typed_has(const struct req *r, const char *form, const char *key, const char *value)
{
    const char *action = req_form(r, "action");
    if (!action || strcmp(action, form) != 0) return false;
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, key) == 0 && strcmp(r->form[i].value, value) == 0) return true;
    return false;
}

/* The first error about path (or inside it) when form was the one posted. */
static const char *error_for(const struct req *r, const char *form, const char *path)
{
    const char *action = req_form(r, "action");
    if (!action || strcmp(action, form) != 0) return NULL;
    size_t n = strlen(path);
    for (int i = 0; i < r->fe.n; i++) {
        const char *f = r->fe.items[i].field;
        if (strncmp(f, path, n) == 0 && (f[n] == 0 || f[n] == '.' || f[n] == '['))
            return r->fe.items[i].message;
    }
    return NULL;
}

struct field {
    const char *form; /* the action: also the prefix of element ids */
    const char *name; /* the form key */
    const char *label;
    const char *path; /* the error path it answers for (NULL: name) */
};

static const char *field_id(struct arena *a, const struct field *f)
{
    return arena_printf(a, "%s-%s", f->form, f->name);
}

static void field_open(struct html *h, struct req *r, const struct field *f)
{
    html_lit(h, "<div class=\"field\"><label");
    html_attr(h, "for", field_id(r->a, f));
    html_lit(h, ">");
    html_text(h, f->label);
    html_lit(h, "</label>");
}

/* id, name and the error marks of a control. */
static void control_attrs(struct html *h, struct req *r, const struct field *f, const char *error)
{
    const char *id = field_id(r->a, f);
    html_attr(h, "id", id);
    html_attr(h, "name", f->name);
    if (error) {
        html_lit(h, " aria-invalid=\"true\"");
        html_attr(h, "aria-describedby", arena_printf(r->a, "%s-error", id));
    }
}

static void field_close(struct html *h, struct req *r, const struct field *f, const char *error)
{
    if (error) {
        html_lit(h, "<span class=\"field-error\"");
        html_attr(h, "id", arena_printf(r->a, "%s-error", field_id(r->a, f)));
        html_lit(h, ">");
        html_text(h, error);
        html_lit(h, "</span>");
    }
    html_lit(h, "</div>\n");
}

enum input_kind { IN_TEXT, IN_NUMBER, IN_DATE, IN_TEL, IN_ID };

static void input(struct html *h, struct req *r, const struct field *f, enum input_kind kind, bool required)
{
    const char *error = error_for(r, f->form, f->path ? f->path : f->name);
    field_open(h, r, f);
    html_lit(h, "<input");
    switch (kind) {
    case IN_DATE:
        html_lit(h, " type=\"date\"");
        break;
    case IN_NUMBER:
        html_lit(h, " type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"6\"");
        break;
    case IN_TEL:
        html_lit(h, " type=\"tel\" autocomplete=\"off\" maxlength=\"20\"");
        break;
    case IN_ID:
        html_lit(h, " type=\"text\" autocomplete=\"off\" maxlength=\"18\" spellcheck=\"false\"");
        break;
    case IN_TEXT:
        html_lit(h, " type=\"text\" maxlength=\"50\"");
        break;
    }
    if (required) html_lit(h, " required");
    control_attrs(h, r, f, error);
    const char *value = typed(r, f->form, f->name);
    html_attr(h, "value", value ? value : "");
    html_lit(h, ">");
    field_close(h, r, f, error);
}

static void select_field(struct html *h, struct req *r, const struct field *f, const char *const *values,
                         const char *const *labels, const char *empty_label)
{
    const char *error = error_for(r, f->form, f->path ? f->path : f->name);
    const char *value = typed(r, f->form, f->name);
    field_open(h, r, f);
    html_lit(h, "<select");
    control_attrs(h, r, f, error);
    html_lit(h, ">");
    if (empty_label) page_option(h, "", empty_label, !value || !*value);
    for (int i = 0; values[i]; i++)
        page_option(h, values[i], labels[i], value && strcmp(value, values[i]) == 0);
    html_lit(h, "</select>");
    field_close(h, r, f, error);
}

/* Checkboxes of the employed caregivers (name caregiver_ids) in a fieldset. */
static void caregiver_boxes(struct html *h, struct req *r, const struct view *v, const char *form)
{
    const char *error = error_for(r, form, "caregiver_ids");
    html_lit(h, "<fieldset><legend>保育人员</legend><div class=\"check\">\n");
    int shown = 0;
    for (int i = 0; i < v->nstaff; i++) {
        const struct staff_brief *s = &v->staff[i];
        if (strcmp(s->role, "caregiver") != 0) continue;
        const char *value = arena_printf(r->a, "%lld", (long long)s->id);
        const char *id = arena_printf(r->a, "%s-caregiver-%lld", form, (long long)s->id);
        html_lit(h, "<label");
        html_attr(h, "for", id);
        html_lit(h, "><input type=\"checkbox\" name=\"caregiver_ids\"");
        html_attr(h, "id", id);
        html_attr(h, "value", value);
        if (typed_has(r, form, "caregiver_ids", value)) html_lit(h, " checked");
        html_lit(h, ">");
        html_text(h, s->name);
        html_lit(h, "</label>\n");
        shown++;
    }
    if (!shown) html_lit(h, "<span class=\"meta\">还没有在职的保育人员，请先添加工作人员。</span>");
    html_lit(h, "</div>");
    if (error) {
        html_lit(h, "<span class=\"field-error\">");
        html_text(h, error);
        html_lit(h, "</span>");
    }
    html_lit(h, "</fieldset>\n");
}

static void form_open(struct html *h, struct req *r, const char *action, const char *title)
{
    html_lit(h, "<section");
    html_attr(h, "aria-labelledby", arena_printf(r->a, "%s-h", action));
    html_lit(h, "><h3");
    html_attr(h, "id", arena_printf(r->a, "%s-h", action));
    html_lit(h, ">");
    html_text(h, title);
    html_lit(h, "</h3>\n<form class=\"panel\" method=\"post\" action=\"/operator/people\"");
    html_attr(h, "id", arena_printf(r->a, "form-%s", action));
    html_lit(h, ">");
    page_csrf(h, r);
    html_lit(h, "<input type=\"hidden\" name=\"action\"");
    html_attr(h, "value", action);
    html_lit(h, ">\n");
}

static void form_close(struct html *h, const char *button)
{
    html_lit(h, "<button type=\"submit\">");
    html_text(h, button);
    html_lit(h, "</button></form></section>\n");
}

static void class_form(struct html *h, struct req *r, const struct view *v)
{
    static const char *const F = "add_class";
    form_open(h, r, F, "添加班级");
    html_lit(h, "<div class=\"fields\">\n");
    input(h, r, &(struct field){F, "name", "班级名称", NULL}, IN_TEXT, true);
    const char *labels[CLASS__COUNT + 1];
    for (int t = 0; t < CLASS__COUNT; t++) {
        int lo, hi;
        class_type_ages(t, &lo, &hi);
        labels[t] = arena_printf(r->a, "%s（%d–%d 个月，每班不超过 %lld 人）", class_type_names_zh[t], lo, hi,
                                 (long long)class_cap(t, v->inst.home_based));
    }
    labels[CLASS__COUNT] = NULL;
    select_field(h, r, &(struct field){F, "type", "班级类型", NULL}, class_type_names, labels, "请选择");
    input(h, r, &(struct field){F, "capacity", "容量（人）", NULL}, IN_NUMBER, true);
    html_lit(h, "</div>\n");
    caregiver_boxes(h, r, v, F);
    form_close(h, "添加班级");
}

static void caregivers_form(struct html *h, struct req *r, const struct view *v)
{
    static const char *const F = "set_caregivers";
    if (!v->nclasses) return;
    form_open(h, r, F, "调整班级的保育人员");
    const char **ids = arena_alloc(r->a, (size_t)(v->nclasses + 1) * sizeof *ids);
    const char **names = arena_alloc(r->a, (size_t)(v->nclasses + 1) * sizeof *names);
    for (int i = 0; i < v->nclasses; i++) {
        ids[i] = arena_printf(r->a, "%lld", (long long)v->classes[i].id);
        names[i] = v->classes[i].name;
    }
    ids[v->nclasses] = names[v->nclasses] = NULL;
    html_lit(h, "<div class=\"fields\">\n");
    select_field(h, r, &(struct field){F, "class_id", "班级", NULL}, ids, names, "请选择");
    html_lit(h, "</div>\n<p class=\"meta\">勾选的保育人员将替换该班现有的保育人员。</p>\n");
    caregiver_boxes(h, r, v, F);
    form_close(h, "保存保育人员");
}

static void staff_form(struct html *h, struct req *r)
{
    static const char *const F = "add_staff";
    form_open(h, r, F, "添加工作人员");
    html_lit(h, "<p class=\"meta\">录用前系统会自动查询禁止从业名单。</p>\n<div class=\"fields\">\n");
    input(h, r, &(struct field){F, "name", "姓名", NULL}, IN_TEXT, true);
    input(h, r, &(struct field){F, "id_number", "身份证号码（18 位）", NULL}, IN_ID, true);
    select_field(h, r, &(struct field){F, "role", "岗位", NULL}, staff_role_names, staff_role_names_zh,
                 "请选择");
    input(h, r, &(struct field){F, "hired_on", "入职日期", NULL}, IN_DATE, true);
    input(h, r, &(struct field){F, "phone", "联系电话", NULL}, IN_TEL, false);
    select_field(h, r, &(struct field){F, "education", "学历", NULL}, education_names, education_names_zh,
                 "（不填）");
    input(h, r, &(struct field){F, "experience_years", "相关工作年限（年）", NULL}, IN_NUMBER, false);
    html_lit(h, "</div>\n");
    form_close(h, "添加工作人员");
}

static void child_form(struct html *h, struct req *r, const struct view *v)
{
    static const char *const F = "add_child";
    form_open(h, r, F, "登记入托幼儿");
    html_lit(h, "<fieldset><legend>幼儿</legend><div class=\"fields\">\n");
    input(h, r, &(struct field){F, "name", "姓名", NULL}, IN_TEXT, true);
    input(h, r, &(struct field){F, "id_number", "身份证号码（18 位）", NULL}, IN_ID, true);
    input(h, r, &(struct field){F, "birth_on", "出生日期", NULL}, IN_DATE, true);
    select_field(h, r, &(struct field){F, "sex", "性别", NULL}, sex_names, sex_names_zh, "请选择");
    const char **ids = arena_alloc(r->a, (size_t)(v->nclasses + 1) * sizeof *ids);
    const char **names = arena_alloc(r->a, (size_t)(v->nclasses + 1) * sizeof *names);
    for (int i = 0; i < v->nclasses; i++) {
        const struct class_row *k = &v->classes[i];
        ids[i] = arena_printf(r->a, "%lld", (long long)k->id);
        names[i] = arena_printf(r->a, "%s（%s，空位 %lld）", k->name,
                                k->type >= 0 ? class_type_names_zh[k->type] : "—",
                                (long long)(k->capacity > k->enrolled ? k->capacity - k->enrolled : 0));
    }
    ids[v->nclasses] = names[v->nclasses] = NULL;
    select_field(h, r, &(struct field){F, "class_id", "班级", NULL}, ids, names, "暂不分班");
    input(h, r, &(struct field){F, "start_on", "入托日期", NULL}, IN_DATE, true);
    html_lit(h, "</div></fieldset>\n<fieldset><legend>监护人</legend><div class=\"fields\">\n");
    input(h, r, &(struct field){F, "guardian_name", "监护人姓名", "guardians[0].name"}, IN_TEXT, true);
    input(h, r, &(struct field){F, "guardian_relation", "与幼儿关系", "guardians[0].relation"}, IN_TEXT,
          true);
    input(h, r, &(struct field){F, "guardian_phone", "监护人电话", "guardians[0].phone"}, IN_TEL, true);
    html_lit(h, "</div></fieldset>\n<fieldset><legend>入托体检</legend><div class=\"fields\">\n");
    input(h, r, &(struct field){F, "check_on", "体检日期", "admission_check.checked_on"}, IN_DATE, true);
    input(h, r, &(struct field){F, "check_examiner", "体检机构或医生", "admission_check.examiner"}, IN_TEXT,
          true);
    select_field(h, r, &(struct field){F, "check_result", "体检结果", "admission_check.result"}, result_names,
                 result_names_zh, "请选择");
    html_lit(h, "</div></fieldset>\n");
    form_close(h, "登记入托");
}

/* ---- Pages
 * -------------------------------------------------------------------------------------------------- */

static enum err render_operator(struct req *r, struct resp *out, unsigned status, const char *notice)
{
    if (r->who->institution_id <= 0) return ERR_NOT_FOUND;
    struct view v;
    enum err e = load_view(r, r->who->institution_id, &v);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "班级、人员和幼儿");
    html_lit(&h, "<h1>班级、人员和幼儿</h1>\n<p class=\"intro\">");
    html_text(&h, v.inst.name);
    html_lit(&h, " · <a href=\"/operator\">返回我的机构</a></p>\n");
    if (notice) {
        html_lit(&h, "<p class=\"errors\" role=\"alert\">");
        html_text(&h, notice);
        html_lit(&h, "</p>\n");
    }
    if (r->fe.n) {
        html_lit(&h, "<div class=\"errors\" role=\"alert\"><h2>提交的内容未通过校验</h2>");
        page_field_errors(&h, &r->fe);
        html_lit(&h, "</div>\n");
    }
    findings_section(&h, &v, false);
    classes_table(&h, &v);
    staff_table(&h, &v);
    children_table(&h, &v);
    due_table(&h, &v);
    html_lit(&h, "<h2>登记</h2>\n");
    class_form(&h, r, &v);
    caregivers_form(&h, r, &v);
    staff_form(&h, r);
    child_form(&h, r, &v);
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* GET /operator/people: the operator's own institution (404 for an operator without one). */
enum err page_people(struct req *r, struct resp *out)
{
    return render_operator(r, out, 200, NULL);
}

/* Form values. */
static const char *form_text(struct req *r, const char *key)
{
    const char *s = req_form(r, key);
    return s && *s ? s : NULL;
}

static int64_t form_date(struct req *r, const char *key, const char *path)
{
    const char *s = form_text(r, key);
    int64_t day = 0;
    if (!s)
        fe_add(&r->fe, path, "必填");
    else if (!date_parse(s, &day))
        fe_add(&r->fe, path, "不是有效的日期（格式 YYYY-MM-DD）");
    return day;
}

static int form_enum(struct req *r, const char *key, const char *const *values, bool required)
{
    const char *s = form_text(r, key);
    for (int i = 0; s && values[i]; i++)
        if (strcmp(values[i], s) == 0) return i;
    if (s || required) fe_add(&r->fe, key, s ? "不是可选的值" : "必填");
    return -1;
}

static int64_t form_int(struct req *r, const char *key, int64_t lo, int64_t hi, int64_t def)
{
    int64_t v = def;
    if (!page_parse_int(form_text(r, key), lo, hi, def, &v)) {
        fe_addf(&r->fe, key, "应为 %lld 到 %lld 的整数", (long long)lo, (long long)hi);
        return def;
    }
    return v;
}

/* The caregiver_ids checked in the form (at most 50). */
static int form_ids(struct req *r, int64_t **ids)
{
    *ids = arena_alloc(r->a, (size_t)(r->nform + 1) * sizeof **ids);
    int n = 0;
    for (int i = 0; i < r->nform && n < 50; i++) {
        if (strcmp(r->form[i].key, "caregiver_ids") != 0) continue;
        int64_t id = 0;
        if (!page_parse_int(r->form[i].value, 1, INT64_MAX, 0, &id) || !id) {
            fe_add(&r->fe, "caregiver_ids", "保育人员编号无效");
            continue;
        }
        (*ids)[n++] = id;
    }
    return n;
}

static enum err post_add_class(struct req *r)
{
    int64_t *ids;
    struct class_input in = {.name = form_text(r, "name")};
    in.type = form_enum(r, "type", class_type_names, true);
    in.capacity = form_int(r, "capacity", 1, 100000, 0);
    if (!form_text(r, "capacity")) fe_add(&r->fe, "capacity", "必填");
    in.ncaregivers = form_ids(r, &ids);
    in.caregiver_ids = ids;
    int64_t id = 0;
    return class_add(r->db, r->a, r->who, r->who->institution_id, &in, &r->fe, &id);
}

static enum err post_set_caregivers(struct req *r)
{
    int64_t class_id = form_int(r, "class_id", 1, INT64_MAX, 0);
    if (!class_id) {
        if (!people_fe_covers(&r->fe, "class_id")) fe_add(&r->fe, "class_id", "请选择班级");
        return ERR_VALIDATION;
    }
    struct class_row k;
    enum err e = class_get(r->db, r->a, class_id, clock_day_of(clock_now()), &k);
    if (e == ERR_NOT_FOUND || (e == OK && k.institution_id != r->who->institution_id)) {
        fe_add(&r->fe, "class_id", "不是本机构的班级");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    int64_t *ids;
    struct class_change ch = {.version = k.version, .caregivers_given = true};
    ch.ncaregivers = form_ids(r, &ids);
    ch.caregiver_ids = ids;
    return class_change(r->db, r->a, r->who, k.institution_id, k.id, &ch, &r->fe);
}

struct staff_ctx {
    struct arena *a;
    const struct principal *who;
    const struct staff_input *in;
    bool form_errors;       /* the form itself had errors: nothing may be added */
    struct field_errors fe; /* staff_add_in_tx's own */
    bool refused;
};

static enum err staff_tx(struct db *db, void *p)
{
    struct staff_ctx *c = p;
    fe_init(&c->fe, c->a);
    c->refused = false;
    int64_t id = 0;
    enum err e = staff_add_in_tx(db, c->a, c->who, c->who->institution_id, c->in, &c->fe, &id);
    /* A refused hire has recorded the ban check and its audit entry: those must be kept, so commit. */
    if (e == ERR_HIRE_REFUSED) {
        c->refused = true;
        return OK;
    }
    if (e == OK && c->form_errors) return ERR_VALIDATION;
    return e;
}

static enum err post_add_staff(struct req *r)
{
    struct staff_input in = {.name = form_text(r, "name"),
                             .id_number = form_text(r, "id_number"),
                             .phone = form_text(r, "phone"),
                             .full_time = true};
    in.role = form_enum(r, "role", staff_role_names, true);
    int before = r->fe.n;
    in.hired_on = form_date(r, "hired_on", "hired_on");
    if (r->fe.n > before) in.hired_on = INT64_MIN; /* staff_add_in_tx's "not given" */
    in.education = form_enum(r, "education", education_names, false);
    in.experience_years = form_int(r, "experience_years", 0, 80, -1);
    struct staff_ctx c = {r->a, r->who, &in, r->fe.n > 0, {0}, false};
    fe_init(&c.fe, r->a);
    enum err e = db_tx(r->db, staff_tx, &c);
    for (int i = 0; i < c.fe.n; i++)
        people_fe_once(&r->fe, c.fe.items[i].field, c.fe.items[i].message);
    if (e == OK && c.refused) return ERR_HIRE_REFUSED;
    if (e == OK && r->fe.n) return ERR_VALIDATION;
    if (e == ERR_CONFLICT) r->error_detail = "此人已在本机构在职，不能重复添加";
    return e;
}

static enum err post_add_child(struct req *r)
{
    struct child_guardian g = {form_text(r, "guardian_name"), form_text(r, "guardian_relation"),
                               form_text(r, "guardian_phone")};
    struct child_input in;
    memset(&in, 0, sizeof in);
    in.name = form_text(r, "name");
    in.id_number = form_text(r, "id_number");
    in.birth_on = form_date(r, "birth_on", "birth_on");
    int sex = form_enum(r, "sex", sex_names, true);
    in.sex = sex >= 0 ? sex_names[sex] : NULL;
    in.class_id = form_int(r, "class_id", 1, INT64_MAX, 0);
    in.start_on = form_date(r, "start_on", "start_on");
    in.guardians = &g;
    in.nguardians = 1;
    const char *check_on = form_text(r, "check_on");
    if (check_on && !date_parse(check_on, &in.admission_checked_on))
        fe_add(&r->fe, "admission_check.checked_on", "不是有效的日期（格式 YYYY-MM-DD）");
    in.admission_examiner = form_text(r, "check_examiner");
    int result = form_enum(r, "check_result", result_names, false);
    in.admission_result = result >= 0 ? result_names[result] : NULL;
    if (result < 0 && people_fe_covers(&r->fe, "check_result")) {
        /* Report it under the name the rest of the system uses. */
        for (int i = 0; i < r->fe.n; i++)
            if (strcmp(r->fe.items[i].field, "check_result") == 0)
                r->fe.items[i].field = "admission_check.result";
    }
    int64_t id = 0;
    return child_add(r->db, r->a, r->who, r->who->institution_id, &in, &r->fe, &id);
}

/* POST /operator/people (form: action=add_class|set_caregivers|add_staff|add_child, csrf): 303 back to
 * /operator/people on success; the page again with the errors marked (422, 409) otherwise. A refused hire
 * shows only the generic refusal, never what matched. */
enum err page_people_post(struct req *r, struct resp *out)
{
    if (r->who->institution_id <= 0) return ERR_NOT_FOUND;
    const char *action = req_form(r, "action");
    enum err e;
    if (action && strcmp(action, "add_class") == 0)
        e = post_add_class(r);
    else if (action && strcmp(action, "set_caregivers") == 0)
        e = post_set_caregivers(r);
    else if (action && strcmp(action, "add_staff") == 0)
        e = post_add_staff(r);
    else if (action && strcmp(action, "add_child") == 0)
        e = post_add_child(r);
    else {
        fe_add(&r->fe, "action", "应为 add_class、set_caregivers、add_staff 或 add_child");
        e = ERR_VALIDATION;
    }
    if (e == OK) return resp_redirect(r, out, "/operator/people");
    if (e == ERR_HIRE_REFUSED) return render_operator(r, out, err_status(e), err_message_zh(e));
    if (e == ERR_CONFLICT || e == ERR_STATE)
        return render_operator(r, out, err_status(e), r->error_detail ? r->error_detail : err_message_zh(e));
    if (e == ERR_VALIDATION) return render_operator(r, out, err_status(e), NULL);
    return e;
}

/* GET /dash/institutions/{id}/people: officials of the district, read-only; the read is audited. */
enum err page_inst_people(struct req *r, struct resp *out)
{
    struct view v;
    struct people_inst inst;
    enum err e = class_store_inst(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!people_visible(r->who, inst.id, inst.district_code)) return ERR_NOT_FOUND;
    e = load_view(r, inst.id, &v);
    if (e != OK) return e;
    e = people_audit_read(
        r->db, r->who, "people.read", "institution", inst.id,
        json_text(r->a, json_pack("{s:i, s:i}", "staff", v.nstaff, "children", v.nchildren)));
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "机构人员");
    html_lit(&h, "<h1>");
    html_text(&h, inst.name);
    html_lit(&h, "：班级、人员和幼儿</h1>\n<p class=\"intro\"><a href=\"/dash/institutions/");
    html_int(&h, inst.id);
    html_lit(&h, "\">返回机构详情</a> · 本次查看已记入审计日志。</p>\n");
    findings_section(&h, &v, true);
    classes_table(&h, &v);
    staff_table(&h, &v);
    children_table(&h, &v);
    due_table(&h, &v);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
