/* The 十堰 demo: about 300 institutions across the districts in every state of the filing workflow, loaded
 * through the same operations the API uses (so rules, history and audit apply), and one account per role.
 * Deterministic: a fixed-seed generator picks every name, number and choice. */
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/arena.h"
#include "core/clock.h"
#include "modules/assessment/assessment.h"
#include "modules/cases/cases.h"
#include "modules/credit/credit.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing_store.h"
#include "modules/inspection/draw.h"
#include "modules/institution/inst.h"
#include "modules/joint/meeting.h"
#include "modules/joint/plan.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/inspection/inspection.h"
#include "modules/people/class_store.h"
#include "modules/people/people.h"
#include "modules/quality/quality.h"
#include "modules/rectification/rectification.h"
#include "modules/support/support.h"
#include "modules/demand/demand.h"
#include "modules/facilities/facilities.h"
#include "modules/guidance/guidance.h"
#include "modules/planning/planning.h"
#include "modules/registration/registration.h"

#include <stdio.h>
#include <string.h>

#define DEMO_INSTITUTIONS 300
#define DEMO_STAFFED      40 /* filed institutions that also get classes, staff and children */

static uint64_t rng_state = 20211101;

static unsigned rnd(unsigned n)
{
    /* xorshift64*: small, fast, and the same sequence on every machine. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static const struct {
    const char *code, *name;
    double lat, lon;
    unsigned weight;
    const char *streets[4];
} districts[] = {
    {"420302", "茅箭区", 32.591, 110.813, 60, {"人民南路", "北京中路", "武当路", "东岳路"}},
    {"420303", "张湾区", 32.652, 110.769, 60, {"车城路", "公园路", "汉江路", "红卫街"}},
    {"420304", "郧阳区", 32.835, 110.812, 30, {"沿江大道", "振华路", "郧阳路", "青龙泉路"}},
    {"420322", "郧西县", 32.993, 110.426, 20, {"天河大道", "金府路", "城关大道", "兴业路"}},
    {"420323", "竹山县", 32.225, 109.934, 20, {"南关大道", "北大街", "人民路", "堵河路"}},
    {"420324", "竹溪县", 32.318, 109.715, 15, {"城关大道", "兴竹路", "县河路", "黄龙路"}},
    {"420325", "房县", 32.057, 110.733, 20, {"诗经路", "城关大道", "廖家路", "西关路"}},
    {"420381", "丹江口市", 32.540, 111.509, 35, {"均州路", "丹赵路", "沧浪大道", "大坝一路"}},
    {"420391", "十堰经济技术开发区", 32.672, 110.868, 25, {"白浪东路", "发展大道", "天津路", "广东路"}},
    {"420392", "武当山旅游经济特区", 32.455, 111.003, 15, {"太和路", "玄岳路", "永乐路", "紫霄路"}},
};
#define NDISTRICTS (sizeof districts / sizeof districts[0])

static const char *const brands[] = {"小太阳", "启航", "童心", "爱贝", "七彩虹", "悦成长",
                                     "小橡树", "睿宝", "乐萌", "禾苗", "贝乐",   "蒲公英",
                                     "小脚印", "暖阳", "星辰", "花蕾"};
static const char *const kinds[] = {"托育中心", "托育园", "婴幼儿照护中心", "托育服务中心"};
static const char *const communities[] = {"", "社区", "幸福家园", "阳光", "滨江", "汉水", "车城", "武当"};

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* A valid USCC for a district: registration-authority digits by legal form, division, a random org code. */
static void make_uscc(char out[19], int legal_form, const char *district)
{
    const char *head = legal_form == LEGAL_ENTERPRISE ? "91" : legal_form == LEGAL_SOCIAL_ORG ? "52" : "12";
    memcpy(out, head, 2);
    /* The two management zones have local codes; their registrations carry the city's division code. */
    memcpy(out + 2, district[4] == '9' ? "420300" : district, 6);
    for (int i = 8; i < 17; i++)
        out[i] = uscc_alphabet[rnd(31)];
    out[17] = uscc_check_char(out);
    out[18] = 0;
}

static const char *pick(const char *const *list, size_t n)
{
    return list[rnd((unsigned)n)];
}
#define PICK(list) pick(list, sizeof list / sizeof list[0])

/* A filing dossier; with trouble set, a class breaks the national cap so the filing carries a violation. */
static json_t *make_dossier(unsigned di, bool trouble)
{
    static const char *const types[] = {"infant", "toddler", "older", "mixed"};
    static const int caps[] = {10, 15, 20, 18}, ratio[] = {3, 5, 7, 5};
    json_t *classes = json_array();
    int nclasses = 1 + (int)rnd(5), children = 0, carers = 0;
    for (int i = 0; i < nclasses; i++) {
        int t = i == 0 ? 1 + (int)rnd(2) : (int)rnd(4);
        int cap = caps[t] - (int)rnd(4);
        if (trouble && i == 0) {
            t = 1;
            cap = 16;
        }
        int care = (cap + ratio[t] - 1) / ratio[t];
        children += cap;
        carers += care;
        json_array_append_new(
            classes, json_pack("{s:s, s:i, s:i}", "type", types[t], "capacity", cap, "caregivers", care));
    }
    json_t *svc = json_array();
    json_array_append_new(svc, json_string("full_day"));
    bool half = rnd(2), hourly = rnd(3) == 0, temp = rnd(4) == 0;
    if (half) json_array_append_new(svc, json_string("half_day"));
    if (hourly) json_array_append_new(svc, json_string("hourly"));
    if (temp) json_array_append_new(svc, json_string("temporary"));
    bool inclusive = rnd(10) < 4;
    int base = inclusive ? 900 + (int)rnd(8) * 100 : 1600 + (int)rnd(20) * 100;
    json_t *fees = json_array();
    json_array_append_new(fees, json_pack("{s:s, s:i}", "service_type", "full_day", "monthly_yuan", base));
    if (half)
        json_array_append_new(
            fees, json_pack("{s:s, s:i}", "service_type", "half_day", "monthly_yuan", base * 6 / 10));
    if (hourly)
        json_array_append_new(
            fees, json_pack("{s:s, s:i}", "service_type", "hourly", "monthly_yuan", 600 + (int)rnd(5) * 100));
    if (temp)
        json_array_append_new(fees, json_pack("{s:s, s:i}", "service_type", "temporary", "monthly_yuan",
                                              500 + (int)rnd(5) * 100));
    double lat = districts[di].lat + ((int)rnd(400) - 200) / 10000.0;
    double lon = districts[di].lon + ((int)rnd(400) - 200) / 10000.0;
    return json_pack("{s:o, s:b, s:i, s:i, s:o, s:{s:i, s:i, s:i, s:i, s:i}, s:o, s:s, s:{s:f, s:f}}",
                     "service_types", svc, "inclusive", inclusive, "indoor_area_m2",
                     children * 4 + (int)rnd(60), "outdoor_area_m2", children * 3 + (int)rnd(40), "classes",
                     classes, "staff_planned", "director", 1, "caregiver", carers + (int)rnd(2), "health", 1,
                     "security", 1, "cook", 1 + (int)rnd(2), "fees", fees, "opening_hours",
                     rnd(2) ? "周一至周五 7:30-18:00" : "周一至周六 7:30-17:30", "location", "lat", lat,
                     "lon", lon);
}

static const unsigned char demo_pdf[] =
    "%PDF-1.4\n% tuoyu demo attachment\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/* A valid resident ID number (GB 11643) for a birth day in a district, with a serial. Arena string. */
static char *demo_idnum(struct arena *a, const char *district, int64_t birth, unsigned serial)
{
    int y, m, d;
    days_to_date(birth, &y, &m, &d);
    char first17[40];
    snprintf(first17, sizeof first17, "%.6s%04d%02d%02d%03u", district, y % 10000, m % 100, d % 100,
             serial % 1000);
    first17[17] = 0;
    return arena_printf(a, "%s%c", first17, idnum_check_char(first17));
}

static const char *const demo_surnames[] = {"王", "李", "张", "刘", "陈", "杨",
                                            "赵", "黄", "周", "吴", "徐", "孙"};
static const char *const demo_given[] = {"欣怡", "梓涵", "子轩", "浩然", "雨桐",
                                         "一诺", "宇航", "思琪", "俊杰", "诗涵"};

static char *demo_name(struct arena *a)
{
    return arena_printf(a, "%s%s", PICK(demo_surnames), PICK(demo_given));
}

struct demo_people_ctx {
    struct arena *a;
    int64_t inst_id;
    const char *district;
    struct filing_dossier *d;
    int64_t staff_ids[16];
    int nstaff, caregivers_from;
    int children;
    unsigned serial;
};

/* Staff of one institution in one transaction: a director, a caregiver per class, a health worker and a
 * guard, each checked against the ban register like any hire. */
static enum err demo_staff_tx(struct db *db, void *p)
{
    struct demo_people_ctx *c = p;
    struct field_errors fe;
    fe_init(&fe, c->a);
    int64_t today = clock_day_of(clock_now());
    int roles[16], n = 0;
    roles[n++] = STAFF_DIRECTOR;
    for (int k = 0; k < c->d->nclasses && n < 13; k++)
        roles[n++] = STAFF_CAREGIVER;
    roles[n++] = STAFF_HEALTH;
    roles[n++] = STAFF_SECURITY;
    c->nstaff = 0;
    for (int k = 0; k < n; k++) {
        int64_t birth = today - 365 * (25 + (int64_t)rnd(20)) - rnd(365);
        struct staff_input in = {
            .name = demo_name(c->a),
            .id_number = demo_idnum(c->a, c->district, birth, c->serial++),
            .phone = arena_printf(c->a, "139%08u", rnd(100000000)),
            .role = roles[k],
            .hired_on = today - 200 - rnd(600),
            .education = roles[k] == STAFF_DIRECTOR ? EDU_JUNIOR_COLLEGE + (int)rnd(2) : EDU_SECONDARY,
            .experience_years = roles[k] == STAFF_DIRECTOR ? 3 + rnd(8) : rnd(10),
            .full_time = true,
        };
        int64_t id = 0;
        enum err e = staff_add_in_tx(db, c->a, NULL, c->inst_id, &in, &fe, &id);
        if (e != OK) return e;
        c->staff_ids[c->nstaff++] = id;
    }
    return OK;
}

/* Certificates and health checks of each person; every seventh institution has a caregiver whose health
 * certificate runs out within the month (a reminder), so the compliance pages have something to show. */
static enum err demo_records(struct db *db, struct demo_people_ctx *c, int index)
{
    int64_t today = clock_day_of(clock_now());
    struct field_errors fe;
    fe_init(&fe, c->a);
    char d1[11], d2[11], d3[11];
    for (int k = 0; k < c->nstaff; k++) {
        bool director = k == 0, caregiver = k >= 1 && k <= c->d->nclasses;
        bool guard = k == c->nstaff - 1;
        int64_t expires = index % 7 == 3 && k == 1 ? today + 12 : today + 165;
        const char *kinds[4] = {"health_certificate", "criminal_record_check", NULL, NULL};
        if (director) kinds[2] = "director_training";
        if (caregiver) kinds[2] = "caregiver_qualification";
        if (guard) kinds[2] = "security_license";
        for (int j = 0; j < 4 && kinds[j]; j++) {
            json_t *body =
                json_pack("{s:s, s:s}", "kind", kinds[j], "issued_on", date_format(today - 200, d1));
            if (j == 0) json_object_set_new(body, "expires_on", json_string(date_format(expires, d2)));
            json_t *out = NULL;
            enum err e = staff_cert_add_json(db, c->a, NULL, c->staff_ids[k], body, &fe, &out);
            json_decref(body);
            json_decref(out);
            if (e != OK) return e;
        }
        json_t *check =
            json_pack("{s:s, s:s, s:s, s:s}", "kind", "yearly", "checked_on", date_format(today - 100, d3),
                      "examiner", "十堰市妇幼保健院", "result", "pass");
        json_t *pre =
            json_pack("{s:s, s:s, s:s, s:s}", "kind", "pre_employment", "checked_on",
                      date_format(today - 900, d1), "examiner", "十堰市妇幼保健院", "result", "pass");
        json_t *out = NULL, *out2 = NULL;
        enum err e = staff_check_add_json(db, c->a, NULL, c->staff_ids[k], pre, &fe, &out);
        if (e == OK) e = staff_check_add_json(db, c->a, NULL, c->staff_ids[k], check, &fe, &out2);
        json_decref(pre);
        json_decref(check);
        json_decref(out);
        json_decref(out2);
        if (e != OK) return e;
    }
    return OK;
}

struct demo_children_ctx {
    struct demo_people_ctx *c;
    int64_t class_id;
    int type, count;
};

/* Children of one class in one transaction, each with a passed admission check before the start. */
static enum err demo_children_tx(struct db *db, void *p)
{
    struct demo_children_ctx *k = p;
    struct demo_people_ctx *c = k->c;
    static const int age_months[] = {9, 17, 29, 26}; /* mid-range of infant, toddler, older, mixed */
    int64_t today = clock_day_of(clock_now()), start = today - 30;
    char day[11];
    struct field_errors fe;
    fe_init(&fe, c->a);
    for (int i = 0; i < k->count; i++) {
        int64_t birth = start - (int64_t)(age_months[k->type] * 30.44) - rnd(10);
        struct child_guardian g = {demo_name(c->a), i % 2 ? "父亲" : "母亲",
                                   arena_printf(c->a, "138%08u", rnd(100000000))};
        struct child_input in = {
            .name = demo_name(c->a),
            .id_number = demo_idnum(c->a, c->district, birth, c->serial++),
            .sex = rnd(2) ? "female" : "male",
            .birth_on = birth,
            .start_on = start,
            .class_id = k->class_id,
            .guardians = &g,
            .nguardians = 1,
            .admission_checked_on = start - 7,
            .admission_examiner = "十堰市妇幼保健院",
            .admission_result = "pass",
        };
        (void)day;
        int64_t id = 0;
        enum err e = child_add_in_tx(db, c->a, NULL, c->inst_id, &in, &fe, &id);
        if (e != OK) return e;
        c->children++;
    }
    return OK;
}

/* Classes (as filed), staff and children of one filed institution. *persons counts the people added. */
static enum err demo_people(struct db *db, struct arena *a, int64_t inst_id, int index, int *persons)
{
    const char *dossier = NULL;
    enum err e = filing_approved_dossier(db, a, inst_id, &dossier);
    if (e != OK) return e;
    json_t *body = json_loads(dossier, 0, NULL);
    if (!body) return ERR_INTERNAL;
    struct filing_dossier d;
    struct field_errors fe;
    fe_init(&fe, a);
    bool ok = filing_parse(body, a, &d, &fe);
    json_decref(body);
    if (!ok) return ERR_INTERNAL;
    char *district = arena_alloc(a, 16);
    e = inst_district_code(db, inst_id, district);
    if (e != OK) return e;
    struct demo_people_ctx c = {.a = a, .inst_id = inst_id, .district = district, .d = &d, .serial = 100};
    e = db_tx(db, demo_staff_tx, &c);
    if (e == OK) e = demo_records(db, &c, index);
    for (int k = 0; e == OK && k < d.nclasses; k++) {
        /* One caregiver per class, in class order after the director. */
        int64_t carer = c.staff_ids[1 + k];
        struct class_input in = {arena_printf(a, "%s%d班", class_type_names_zh[d.classes[k].type], k + 1),
                                 d.classes[k].type, d.classes[k].capacity, &carer, 1};
        int64_t class_id = 0;
        e = class_add(db, a, NULL, inst_id, &in, &fe, &class_id);
        /* About two thirds full, within the ratio one caregiver allows. */
        static const int ratio[] = {3, 5, 7, 5};
        int n = (int)(d.classes[k].capacity * 2 / 3);
        if (n > ratio[d.classes[k].type]) n = ratio[d.classes[k].type];
        struct demo_children_ctx kc = {&c, class_id, d.classes[k].type, n};
        if (e == OK) e = db_tx(db, demo_children_tx, &kc);
    }
    *persons += c.nstaff + c.children;
    return e;
}

static int fail(const char *what, enum err e)
{
    fprintf(stderr, "tuoyu: demo: %s failed (%s)\n", what, err_name(e));
    return 1;
}

int demo_load(struct db *db)
{
    int64_t existing = 0;
    if (db_int_query(db, "SELECT COUNT(*) FROM institutions", NULL, 0, &existing) == OK && existing > 0) {
        fprintf(stderr, "tuoyu: demo: the database already has institutions; use a new database\n");
        return 1;
    }
    rng_state = 20211101;
    struct arena a;
    arena_init(&a, 0);
    db_bulk_mode(db, true);
    int counts[5] = {0};
    int64_t operator_inst = 0;
    int64_t staffed[DEMO_STAFFED];
    int nstaffed = 0;
    unsigned total_weight = 0;
    for (size_t i = 0; i < NDISTRICTS; i++)
        total_weight += districts[i].weight;
    int rc = 0;
    for (int n = 0; n < DEMO_INSTITUTIONS && rc == 0; n++) {
        arena_reset(&a);
        unsigned w = rnd(total_weight), di = 0;
        while (w >= districts[di].weight)
            w -= districts[di++].weight;
        int legal = rnd(10) < 7 ? LEGAL_ENTERPRISE : rnd(2) ? LEGAL_SOCIAL_ORG : LEGAL_PUBLIC_INSTITUTION;
        char uscc[19];
        make_uscc(uscc, legal, districts[di].code);
        const char *community = PICK(communities);
        struct registration g = {
            .uscc = uscc,
            .name =
                arena_printf(&a, "十堰市%s%s%s%s", districts[di].name, community, PICK(brands), PICK(kinds)),
            .district_code = districts[di].code,
            .address = arena_printf(&a, "十堰市%s%s%u号", districts[di].name, districts[di].streets[rnd(4)],
                                    1 + rnd(300)),
            .business_scope = legal == LEGAL_ENTERPRISE
                                  ? "3岁以下婴幼儿照护服务（全日托、半日托、计时托）；托育服务"
                                  : "为3岁以下婴幼儿提供托育服务",
            .authority = legal == LEGAL_ENTERPRISE   ? "十堰市市场监督管理局"
                         : legal == LEGAL_SOCIAL_ORG ? "十堰市民政局"
                                                     : "十堰市委机构编制委员会办公室",
            .legal_form = legal,
            .registered_on = date_to_days(2021, 9, 1) + rnd(1880),
        };
        int64_t reg_id, inst_id;
        bool created;
        enum err e = registration_upsert(db, NULL, &g, &reg_id, &inst_id, &created);
        if (e != OK) {
            rc = fail("registration", e);
            break;
        }
        /* 0 registered only, 1 submitted, 2 submitted with a violation, 3 returned, 4 filed. */
        unsigned roll = rnd(100);
        int state = roll < 12 ? 0 : roll < 20 ? 1 : roll < 24 ? 2 : roll < 28 ? 3 : 4;
        if (!operator_inst && di == 1 && state == 1) operator_inst = inst_id;
        counts[state]++;
        if (state == 0) continue;
        struct field_errors fe;
        fe_init(&fe, &a);
        json_t *dossier = make_dossier(di, state == 2);
        struct filing_row f;
        e = filing_submit(db, &a, NULL, inst_id, dossier, &fe, &f);
        json_decref(dossier);
        if (e != OK) {
            rc = fail("filing", e);
            break;
        }
        for (int k = 0; k < ATT__COUNT && state != 2; k++) {
            if (state == 1 && k == ATT__COUNT - 1 && rnd(2))
                continue; /* some still lack the fire-safety pass */
            struct attachment_row att;
            e = filing_attach(db, &a, NULL, f.id, attachment_kind_names[k], demo_pdf, sizeof demo_pdf - 1,
                              &att);
            if (e != OK) break;
        }
        if (e == OK && state == 4 && nstaffed < DEMO_STAFFED) staffed[nstaffed++] = inst_id;
        if (e == OK && (state == 3 || state == 4))
            e = filing_decide(db, &a, NULL, f.id, state == 4 ? "approve" : "return",
                              state == 3 ? "卫生评价报告已过期，请补充当年度合格报告" : NULL, &fe, &f);
        if (e != OK) rc = fail("filing decision", e);
    }
    int people = 0;
    for (int i = 0; rc == 0 && i < nstaffed; i++) {
        arena_reset(&a);
        enum err e = demo_people(db, &a, staffed[i], i, &people);
        if (e != OK) rc = fail("people", e);
    }
    db_bulk_mode(db, false);

    static const struct {
        const char *username, *role, *district, *department, *unit;
    } accounts[] = {
        {"admin", "admin", NULL},
        {"city", "city_official", NULL},
        {"county_zhangwan", "county_official", "420303"},
        {"county_maojian", "county_official", "420302"},
        {"registrar", "registrar", NULL},
        {"inspector", "inspector", "420303", "health"},
        {"inspector2", "inspector", "420303", "health"},
        {"inspector3", "inspector", "420303", "health"},
        {"inspector_fire", "inspector", "420303", "fire"},
        {"inspector_market", "inspector", "420303", "market"},
        {"inspector_maojian", "inspector", "420302", "health"},
        {"operator", "operator", NULL},
        {"auditor", "auditor", NULL},
        {"unit_health", "unit_officer", NULL, NULL, "health_commission"},
        {"unit_education", "unit_officer", NULL, NULL, "education"},
        {"unit_civil", "unit_officer", NULL, NULL, "civil_affairs"},
        {"unit_hr", "unit_officer", NULL, NULL, "human_resources"},
        {"unit_zhangwan", "unit_officer", NULL, NULL, "county_zhangwan"},
    };
    if (rc == 0) {
        printf("十堰 demo loaded: %d institutions (%d registered only, %d submitted, %d with violations, "
               "%d returned, %d filed)\n",
               DEMO_INSTITUTIONS, counts[0], counts[1], counts[2], counts[3], counts[4]);
        printf(
            "%d of the filed institutions have classes, staff and children (%d persons, ID numbers sealed)\n",
            nstaffed, people);
        printf("demo accounts (password = username + \"-demo-2026\"):\n");
    }
    for (size_t i = 0; rc == 0 && i < sizeof accounts / sizeof accounts[0]; i++) {
        char pw[64];
        snprintf(pw, sizeof pw, "%s-demo-2026", accounts[i].username);
        bool op = strcmp(accounts[i].role, "operator") == 0;
        enum err e = user_create(db, NULL, accounts[i].username, accounts[i].role, accounts[i].district,
                                 accounts[i].department, accounts[i].unit, op ? operator_inst : 0, pw, NULL);
        if (e != OK) {
            rc = fail("account", e);
            break;
        }
        printf("  %-16s %-16s %-22s %s\n", accounts[i].username, accounts[i].role,
               accounts[i].district ? accounts[i].district
               : op                 ? "(张湾区 institution)"
                                    : "",
               pw);
    }

    /* Supervision, in the order the records depend on each other: inspections and their findings, the
     * random draw, rectification of the findings, incidents and complaints, credit and fees, the life cycle,
     * quality ratings. */
    static const struct {
        const char *name;
        enum err (*load)(struct db *, struct arena *);
    } loaders[] = {
        {"inspections", inspection_demo_load},
        {"random draw", draw_demo_load},
        {"rectification", rect_demo_load},
        {"incidents and complaints", cases_demo_load},
        {"institution credit records", credit_demo_load},
        {"fees and fee caps", fee_demo_load},
        {"annual reviews, changes, deregistration", lifecycle_demo_load},
        {"quality ratings", quality_demo_load},
        /* The joint meeting: task reports, meetings and notices, policy support, then last year's scoreboard
         * frozen over all of it. */
        {"task progress reports", plan_demo_load},
        {"meetings, resolutions, notices", meeting_demo_load},
        {"subsidies, policy promises, demonstration institutions", support_demo_load},
        {"county assessment", assessment_demo_load},
        /* Planning and the families: residents, births and monthly trends; guidance events; parents'
         * applications and unmet needs (after the communities they name). */
        {"residents, births and monthly trends", planning_demo_load},
        {"communities, residential projects, mother-and-baby rooms", facilities_demo_load},
        {"family guidance: experts, events, articles", guidance_demo_load},
        {"parents' applications and unmet needs", demand_demo_load},
    };
    /* Bulk mode again: hundreds of small transactions need not each wait for the disk (a demo that fails
     * half-way is simply loaded again into a fresh database). */
    if (rc == 0) db_bulk_mode(db, true);
    for (size_t i = 0; rc == 0 && i < sizeof loaders / sizeof loaders[0]; i++) {
        arena_reset(&a);
        enum err e = loaders[i].load(db, &a);
        if (e != OK) rc = fail(loaders[i].name, e);
    }
    db_bulk_mode(db, false);
    if (rc == 0)
        printf("supervision: inspections, findings, rectification, complaints, ratings loaded\n"
               "joint meeting: task reports, meetings, resolutions, notices, subsidies, scoreboard loaded\n"
               "planning and families: population, trends, guidance, applications loaded\n");
    arena_free(&a);
    return rc;
}
