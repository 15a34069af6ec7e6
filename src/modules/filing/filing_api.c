/* JSON handlers of the filing workflow. Visibility: officials see their territory, an operator only its own
 * institution; anything else is 404, so ids of other territories are not even confirmed to exist. */
#include "core/clock.h"
#include "modules/filing/filing_store.h"
#include "modules/institution/inst.h"

#include <string.h>

/* Whether who may see a filing or institution in district belonging to inst_id. */
static bool visible(const struct principal *who, const char *district, int64_t inst_id)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == inst_id;
    return auth_sees_district(who, district);
}

static json_t *filing_json(const struct filing_row *f, bool full)
{
    char due[11];
    json_t *atts = json_array();
    for (int i = 0; i < ATT__COUNT; i++)
        if (f->attachments & (1u << i)) json_array_append_new(atts, json_string(attachment_kind_names[i]));
    json_t *j =
        json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:I, s:s?, s:s?, s:o}", "id", (json_int_t)f->id,
                  "institution_id", (json_int_t)f->institution_id, "institution_name", f->institution_name,
                  "version", (json_int_t)f->version, "status", f->status, "district_code", f->district_code,
                  "violations", (json_int_t)f->violations, "due_on", date_format(f->due_on, due),
                  "submitted_at", (json_int_t)f->submitted_at, "reason", f->reason, "filing_number",
                  f->filing_number, "attachment_kinds", atts);
    if (f->decided_at) json_object_set_new(j, "decided_at", json_integer(f->decided_at));
    /* 备案办法: decide within 5 working days; tell the applicant what is missing within 15. */
    char notify[11];
    json_object_set_new(
        j, "notify_by",
        json_string(date_format(add_working_days(clock_day_of(f->submitted_at), FILING_NOTIFY_WORKING_DAYS),
                                notify)));
    json_t *findings = json_loads(f->findings ? f->findings : "[]", 0, NULL);
    json_object_set_new(j, "findings", findings ? findings : json_array());
    if (full) {
        json_t *d = json_loads(f->dossier ? f->dossier : "{}", 0, NULL);
        json_object_set_new(j, "dossier", d ? d : json_object());
    }
    return j;
}

static enum err load_visible_filing(struct req *r, int64_t id, struct filing_row *f)
{
    enum err e = filing_get(r->db, r->a, id, f);
    if (e != OK) return e;
    return visible(r->who, f->district_code, f->institution_id) ? OK : ERR_NOT_FOUND;
}

enum err filing_api_submit(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct filing_row f;
    e = filing_submit(r->db, r->a, r->who, inst_id, body, &r->fe, &f);
    if (e != OK) return e;
    json_t *j = json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)f.id, "version", (json_int_t)f.version,
                          "status", f.status, "violations", (json_int_t)f.violations);
    json_t *findings = json_loads(f.findings, 0, NULL);
    json_object_set_new(j, "findings", findings ? findings : json_array());
    char due[11];
    json_object_set_new(j, "due_on", json_string(date_format(f.due_on, due)));
    return resp_json(r, out, 201, j);
}

enum err filing_api_get(struct req *r, struct resp *out)
{
    struct filing_row f;
    enum err e = load_visible_filing(r, r->id[0], &f);
    if (e != OK) return e;
    struct attachment_row *atts;
    int n;
    e = filing_attachments(r->db, r->a, f.id, &atts, &n);
    if (e != OK) return e;
    json_t *j = filing_json(&f, true);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:s, s:I}", "id", (json_int_t)atts[i].id,
                                             "kind", atts[i].kind, "media_type", atts[i].media_type, "size",
                                             (json_int_t)atts[i].size, "sha256", atts[i].sha256,
                                             "uploaded_at", (json_int_t)atts[i].uploaded_at));
    json_object_set_new(j, "attachments", arr);
    return resp_json(r, out, 200, j);
}

/* GET /api/v1/filings?status= (the queue) and GET /api/v1/institutions/{id}/filings (all versions). */
enum err filing_api_list(struct req *r, struct resp *out)
{
    struct filing_row *items;
    int n;
    int64_t total;
    enum err e;
    if (r->nseg == 1) {
        struct institution inst;
        e = inst_get(r->db, r->a, r->id[0], &inst);
        if (e != OK) return e;
        if (!visible(r->who, inst.district_code, inst.id)) return ERR_NOT_FOUND;
        e = filing_versions(r->db, r->a, inst.id, &items, &n);
        total = n;
    } else {
        const char *status = req_query(r, "status");
        if (status && filing_status_from_name(status) < 0) {
            fe_add(&r->fe, "status", "未知的备案状态");
            return ERR_VALIDATION;
        }
        const char *district = req_query(r, "district");
        if (r->who->role == ROLE_COUNTY) district = r->who->district;
        const char *page = req_query(r, "page");
        e = filing_list(r->db, r->a, status, district, page ? atoi(page) : 1, &items, &n, &total);
    }
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, filing_json(&items[i], false));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

enum err filing_api_attach(struct req *r, struct resp *out)
{
    struct filing_row f;
    enum err e = filing_get(r->db, r->a, r->id[0], &f);
    if (e != OK) return e;
    if (r->who->institution_id != f.institution_id) return ERR_NOT_FOUND;
    const char *kind = req_query(r, "kind");
    bool known = false;
    for (int i = 0; kind && attachment_kind_names[i]; i++)
        known |= strcmp(kind, attachment_kind_names[i]) == 0;
    if (!known) {
        fe_add(&r->fe, "kind",
               "附件类型应为 filing_form、commitment、business_license、premises_proof、"
               "staff_qualifications、health_evaluation 或 fire_safety");
        return ERR_VALIDATION;
    }
    if (r->body_len == 0) {
        fe_add(&r->fe, "body", "文件内容为空");
        return ERR_VALIDATION;
    }
    struct attachment_row a;
    e = filing_attach(r->db, r->a, r->who, f.id, kind, r->body, r->body_len, &a);
    if (e == ERR_UNSUPPORTED_MEDIA) r->error_detail = "只接受 PDF、JPEG 或 PNG 文件（按内容判断）";
    if (e != OK) return e;
    return resp_json(r, out, 201,
                     json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)a.id, "kind", a.kind,
                               "media_type", a.media_type, "size", (json_int_t)a.size, "sha256", a.sha256));
}

enum err filing_api_decide(struct req *r, struct resp *out)
{
    struct filing_row f;
    enum err e = load_visible_filing(r, r->id[0], &f);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    int decision = -1;
    const char *reason = NULL;
    static const char *const decisions[] = {"approve", "return", NULL};
    struct jspec spec[] = {
        JS_ENUM("decision", &decision, decisions),
        {.name = "reason",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &reason,
         .min = 0,
         .max = 2000},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = filing_decide(r->db, r->a, r->who, f.id, decisions[decision], reason, &r->fe, &f);
    if (e != OK) return e;
    return resp_json(r, out, 200,
                     json_pack("{s:I, s:s, s:s?, s:I}", "id", (json_int_t)f.id, "status", f.status,
                               "filing_number", f.filing_number, "institution_id",
                               (json_int_t)f.institution_id));
}
