/* GET /api/v1/institutions/{id}/checks-due: the health checks and certificates of an institution's children
 * and staff that are overdue or fall due soon. Names are shown (the operator needs to know whom to send), so
 * only the operator and officials of the district see it, and officials' reads are audited. */
#include "core/clock.h"
#include "modules/people/child_store.h"
#include "modules/people/class_store.h"
#include "modules/people/people.h"

#include <errno.h>
#include <stdlib.h>

/* GET /api/v1/institutions/{id}/checks-due?within_days=30 (0..366):
 * {"items":[{"subject","id","name","due_on", "kind","overdue"}]}, 404 outside the caller's reach; an
 * official's read appends "checks_due.read". */
enum err checks_api_due(struct req *r, struct resp *out)
{
    struct people_inst inst;
    enum err e = class_store_inst(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!people_visible(r->who, inst.id, inst.district_code)) return ERR_NOT_FOUND;
    int64_t within = 30;
    const char *s = req_query(r, "within_days");
    if (s && *s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (*end || errno || v < 0 || v > 366) {
            fe_add(&r->fe, "within_days", "应为 0 到 366 的整数");
            return ERR_VALIDATION;
        }
        within = v;
    }
    int64_t today = clock_day_of(clock_now());
    struct due_item *items;
    int n;
    e = checks_due_list(r->db, r->a, inst.id, today, within, &items, &n);
    if (e != OK) return e;
    e = people_audit_read(
        r->db, r->who, "checks_due.read", "institution", inst.id,
        json_text(r->a, json_pack("{s:i, s:I}", "count", n, "within_days", (json_int_t)within)));
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        char due[11];
        json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:s, s:b}", "subject", items[i].subject,
                                             "id", (json_int_t)items[i].id, "name", items[i].name, "due_on",
                                             date_format(items[i].due_on, due), "kind", items[i].kind,
                                             "overdue", items[i].overdue));
    }
    char day[11];
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:s}", "items", arr, "within_days", (json_int_t)within, "today",
                               date_format(today, day)));
}
