/* JSON handlers of live compliance. Operators see their own findings (messages carry no names); officials see
 * those of their territory with the subject of each. */
#include "modules/compliance/compliance.h"

#include "core/clock.h"
#include "modules/institution/inst.h"

#include <string.h>

enum err compliance_api_list(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!people_visible(r->who, inst.id, inst.district_code)) return ERR_NOT_FOUND;
    struct open_finding *f;
    int n;
    e = compliance_open(r->db, r->a, inst.id, &f, &n);
    if (e != OK) return e;
    bool official = r->who->role != ROLE_OPERATOR;
    json_int_t counts[3] = {0, 0, 0};
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        for (int s = 0; s < 3; s++)
            if (strcmp(f[i].severity, cmp_severity_names[s]) == 0) counts[s]++;
        json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)f[i].id, "rule", f[i].rule,
                              "severity", f[i].severity, "clause", f[i].clause, "message", f[i].message,
                              "first_seen", (json_int_t)f[i].first_seen);
        if (official) json_object_set_new(j, "subject", json_string(f[i].subject));
        json_array_append_new(items, j);
    }
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:{s:I, s:I, s:I}}", "items", items, "counts", "violation", counts[0],
                               "warning", counts[1], "reminder", counts[2]));
}

enum err compliance_api_run(struct req *r, struct resp *out)
{
    int count = 0;
    enum err e = compliance_refresh_all(r->db, &count);
    if (e != OK) return e;
    return resp_json(r, out, 200, json_pack("{s:i}", "institutions", count));
}
