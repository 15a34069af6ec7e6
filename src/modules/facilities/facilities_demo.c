/* The demo's facilities: communities of every district under their real streets and towns (urban communities
 * in the districts' streets and the county towns, villages in the townships), about two thirds of the urban
 * ones with a childcare facility; about 25 new residential projects with mixed statuses relative to the
 * demo's day (some late); about 40 mother-and-baby rooms. Deterministic: no randomness, only the loop
 * indexes. One transaction as the system, each row audited. */
#include "modules/facilities/facilities.h"

#include "core/clock.h"

#include <stdio.h>
#include <string.h>

/* A street (街道, urban) or a town/township (镇/乡) of a district and how many communities or villages. */
struct demo_street {
    const char *district, *name;
    bool urban;
    int n;
};

static const struct demo_street streets[] = {
    {"420302", "武当路街道", true, 6},   {"420302", "二堰街道", true, 6},
    {"420302", "五堰街道", true, 6},     {"420302", "白浪街道", true, 4},
    {"420302", "茅塔乡", false, 5},      {"420302", "大川镇", false, 4},
    {"420303", "车城路街道", true, 6},   {"420303", "红卫街道", true, 6},
    {"420303", "花果街道", true, 5},     {"420303", "汉江路街道", true, 6},
    {"420303", "黄龙镇", false, 5},      {"420303", "柏林镇", false, 4},
    {"420304", "城关镇", true, 6},       {"420304", "茶店镇", false, 4},
    {"420304", "柳陂镇", false, 4},      {"420322", "城关镇", true, 5},
    {"420322", "上津镇", false, 4},      {"420322", "夹河镇", false, 4},
    {"420323", "城关镇", true, 5},       {"420323", "宝丰镇", false, 4},
    {"420323", "擂鼓镇", false, 4},      {"420324", "城关镇", true, 5},
    {"420324", "蒋家堰镇", false, 4},    {"420324", "中峰镇", false, 4},
    {"420325", "城关镇", true, 5},       {"420325", "军店镇", false, 4},
    {"420325", "土城镇", false, 4},      {"420381", "大坝街道", true, 5},
    {"420381", "均州路街道", true, 5},   {"420381", "丹赵路街道", true, 4},
    {"420381", "六里坪镇", false, 4},    {"420381", "习家店镇", false, 4},
    {"420391", "东风大道片区", true, 4}, {"420391", "西城开发区片区", true, 4},
    {"420392", "太和街道", true, 3},     {"420392", "武当山街道", true, 2},
};
#define NSTREETS ((int)(sizeof streets / sizeof streets[0]))

static const char *const community_words[] = {
    "人民路", "朝阳路", "北京路", "公园路", "柳林", "燕林",   "三堰", "四堰", "大岭", "火箭路", "东岳",
    "滨江",   "汉江",   "广场",   "青年路", "顺城", "新华",   "幸福", "阳光", "和平", "金岭",   "南街",
    "北街",   "东门",   "西关",   "紫荆",   "红星", "建设路", "东风", "车城", "丹江", "均州",
};
static const char *const village_words[] = {
    "王家沟", "李家湾", "桃园", "青龙", "石门", "双河", "柳树", "枣园", "茶园", "杨家坪", "黄土梁", "清泉",
    "马家河", "龙潭",   "白果", "长岭", "松树", "田畈", "油坊", "庙垭", "竹园", "陈家湾", "花园",   "金竹",
};
#define NCW ((int)(sizeof community_words / sizeof community_words[0]))
#define NVW ((int)(sizeof village_words / sizeof village_words[0]))

struct demo_room {
    const char *district, *name, *organisation, *address;
    int place_kind, promoter, status;
};

static const struct demo_room rooms[] = {
    {"420302", "母婴关爱室", "十堰市人民医院", "茅箭区朝阳中路 39 号", PLACE_PUBLIC, PM_HEALTH, MB_OPEN},
    {"420302", "母婴室", "十堰市政务服务中心", "茅箭区北京北路 90 号", PLACE_PUBLIC, PM_WOMEN_FEDERATION,
     MB_OPEN},
    {"420302", "妈咪小屋", "十堰人商集团人民商场", "茅箭区人民南路 2 号", PLACE_PUBLIC, PM_WOMEN_FEDERATION,
     MB_OPEN},
    {"420302", "爱心妈妈小屋", "茅箭区人民政府机关", "茅箭区北京中路 19 号", PLACE_WORKPLACE, PM_UNION,
     MB_OPEN},
    {"420302", "母婴室", "十堰市妇幼保健院", "茅箭区北京中路 65 号", PLACE_PUBLIC, PM_HEALTH, MB_OPEN},
    {"420302", "职工母婴室", "国网十堰供电公司", "茅箭区五堰街", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420302", "母婴室", "十堰市图书馆", "茅箭区北京北路", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_PLANNED},
    {"420303", "爱心妈妈小屋", "东风商用车有限公司", "张湾区车城路 1 号", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420303", "职工母婴室", "东风汽车零部件（集团）有限公司", "张湾区车城西路", PLACE_WORKPLACE, PM_UNION,
     MB_OPEN},
    {"420303", "母婴关爱室", "十堰市太和医院", "张湾区人民南路 32 号", PLACE_PUBLIC, PM_HEALTH, MB_OPEN},
    {"420303", "母婴室", "十堰火车站", "张湾区车站路", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420303", "妈咪小屋", "万达广场", "张湾区北京南路", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420303", "母婴室", "湖北医药学院", "张湾区人民南路 30 号", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420303", "职工母婴室", "张湾区人民医院", "张湾区汉江路", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420303", "母婴室", "十堰汽车客运中心站", "张湾区浙江路", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_PLANNED},
    {"420303", "母婴室", "红卫街道便民服务中心", "张湾区红卫街道", PLACE_PUBLIC, PM_OTHER, MB_CLOSED},
    {"420304", "母婴室", "郧阳区政务服务中心", "郧阳区城关镇", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420304", "爱心妈妈小屋", "郧阳区人民医院", "郧阳区城关镇", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420304", "母婴室", "郧阳区汽车站", "郧阳区城关镇", PLACE_PUBLIC, PM_OTHER, MB_PLANNED},
    {"420322", "母婴室", "郧西县政务服务中心", "郧西县城关镇", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420322", "职工母婴室", "郧西县人民医院", "郧西县城关镇", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420322", "母婴室", "上津古镇游客中心", "郧西县上津镇", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_PLANNED},
    {"420323", "母婴室", "竹山县政务服务中心", "竹山县城关镇", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420323", "爱心妈妈小屋", "竹山县人民医院", "竹山县城关镇", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420323", "母婴室", "竹山县妇幼保健院", "竹山县城关镇", PLACE_PUBLIC, PM_HEALTH, MB_OPEN},
    {"420324", "母婴室", "竹溪县政务服务中心", "竹溪县城关镇", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420324", "职工母婴室", "竹溪县人民医院", "竹溪县城关镇", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420324", "母婴室", "竹溪县汽车站", "竹溪县城关镇", PLACE_PUBLIC, PM_OTHER, MB_CLOSED},
    {"420325", "母婴室", "房县政务服务中心", "房县城关镇", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420325", "爱心妈妈小屋", "房县人民医院", "房县城关镇", PLACE_WORKPLACE, PM_UNION, MB_OPEN},
    {"420325", "母婴室", "房县妇幼保健院", "房县城关镇", PLACE_PUBLIC, PM_HEALTH, MB_PLANNED},
    {"420381", "母婴室", "丹江口市政务服务中心", "丹江口市均州路", PLACE_PUBLIC, PM_WOMEN_FEDERATION,
     MB_OPEN},
    {"420381", "职工母婴室", "汉江水利水电（集团）有限责任公司", "丹江口市大坝街道", PLACE_WORKPLACE,
     PM_UNION, MB_OPEN},
    {"420381", "母婴室", "丹江口市第一医院", "丹江口市丹赵路", PLACE_PUBLIC, PM_HEALTH, MB_OPEN},
    {"420381", "母婴室", "丹江口水库游客中心", "丹江口市大坝街道", PLACE_PUBLIC, PM_WOMEN_FEDERATION,
     MB_PLANNED},
    {"420391", "爱心妈妈小屋", "东风康明斯发动机有限公司", "经开区白浪东路", PLACE_WORKPLACE, PM_UNION,
     MB_OPEN},
    {"420391", "职工母婴室", "东风（十堰）有色铸件有限公司", "经开区发展大道", PLACE_WORKPLACE, PM_UNION,
     MB_OPEN},
    {"420391", "母婴室", "经开区管委会政务服务大厅", "经开区发展大道", PLACE_PUBLIC, PM_WOMEN_FEDERATION,
     MB_OPEN},
    {"420392", "母婴室", "武当山游客中心", "武当山特区太和大道", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_OPEN},
    {"420392", "母婴室", "武当山特区人民医院", "武当山特区", PLACE_PUBLIC, PM_HEALTH, MB_OPEN},
    {"420392", "母婴室", "武当山金顶景区", "武当山特区", PLACE_PUBLIC, PM_WOMEN_FEDERATION, MB_PLANNED},
};
#define NROOMS ((int)(sizeof rooms / sizeof rooms[0]))

/* Residential projects: a district, a name, and a scenario (see demo_project). */
struct demo_project {
    const char *district, *name, *developer;
    int homes;
};

static const struct demo_project projects[] = {
    {"420302", "恒大名都二期", "十堰恒大置业有限公司", 1680},
    {"420302", "碧桂园·十里江山", "十堰碧桂园房地产开发有限公司", 2100},
    {"420302", "东湖春天", "十堰东湖置业有限公司", 960},
    {"420302", "北京路·锦绣华庭", "十堰锦绣房地产开发有限公司", 740},
    {"420302", "五堰·城市之光", "十堰城投置业有限公司", 1200},
    {"420303", "车城名仕府", "十堰车城置业有限公司", 1350},
    {"420303", "汉江·御景湾", "十堰汉江房地产开发有限公司", 1880},
    {"420303", "花果·山水华府", "十堰华府置业有限公司", 820},
    {"420303", "红卫·东风新村改造", "十堰市城市更新投资有限公司", 2400},
    {"420303", "万达·华府三期", "十堰万达广场投资有限公司", 1520},
    {"420303", "西城·学府里", "十堰学府置业有限公司", 680},
    {"420304", "郧阳·汉江明珠", "郧阳区城投置业有限公司", 1100},
    {"420304", "郧阳·滨江壹号", "十堰滨江房地产开发有限公司", 880},
    {"420322", "郧西·天河湾", "郧西县天河置业有限公司", 760},
    {"420323", "竹山·堵河湾", "竹山县城投置业有限公司", 900},
    {"420324", "竹溪·贡水华庭", "竹溪县贡水置业有限公司", 640},
    {"420325", "房县·诗经小镇", "房县城投置业有限公司", 720},
    {"420381", "丹江口·水都壹号", "丹江口市城投置业有限公司", 1300},
    {"420381", "均州·沧浪华府", "丹江口沧浪置业有限公司", 980},
    {"420391", "经开·东风新城", "十堰经开区城投置业有限公司", 1650},
    {"420391", "白浪·产业新城人才公寓", "十堰经开区产业发展有限公司", 1100},
    {"420392", "武当·太和山居", "武当山特区城投置业有限公司", 420},
    {"420303", "汉江路·滨江新城", "十堰滨江新城置业有限公司", 1960},
    {"420302", "二堰·茅箭壹号院", "十堰茅箭城投置业有限公司", 560},
    {"420381", "丹赵路·江山府", "丹江口江山置业有限公司", 870},
};
#define NPROJECTS ((int)(sizeof projects / sizeof projects[0]))

struct demo_ctx {
    struct arena *a;
    int64_t now, today;
};

static enum err demo_communities(struct db *db, struct demo_ctx *d, int64_t *first_urban,
                                 const char **first_d, int *nfirst)
{
    int serial = 0;
    *nfirst = 0;
    for (int s = 0; s < NSTREETS; s++) {
        const struct demo_street *st = &streets[s];
        int street_no = 0,
            before = 0; /* earlier streets of the district, and their communities of this kind */
        for (int k = 0; k < s; k++)
            if (strcmp(streets[k].district, st->district) == 0) {
                street_no++;
                if (streets[k].urban == st->urban) before += streets[k].n;
            }
        for (int i = 0; i < st->n; i++, serial++) {
            char code[32], name[96];
            snprintf(code, sizeof code, "%s%03d%03d", st->district, street_no + 1, (st->urban ? 1 : 201) + i);
            /* Names unique within a district: a step coprime with the list's length. */
            int salt = st->district[5] - '0';
            if (st->urban)
                snprintf(name, sizeof name, "%s社区", community_words[((before + i) * 7 + salt) % NCW]);
            else
                snprintf(name, sizeof name, "%s村", village_words[((before + i) * 5 + salt) % NVW]);
            /* About two thirds of the urban communities and a quarter of the villages have a facility. */
            bool has = st->urban ? (serial * 37 + s * 11) % 100 < 66 : (serial * 29 + s) % 100 < 25;
            const char *note = has ? (st->urban ? "社区托育服务站" : "婴幼儿早期发展指导中心") : NULL;
            struct db_val v[] = {DBV_TEXT(st->district),
                                 DBV_TEXT(code),
                                 DBV_TEXT(name),
                                 DBV_TEXT(st->name),
                                 DBV_TEXT(st->urban ? "community" : "village"),
                                 DBV_BOOL(st->urban),
                                 DBV_BOOL(has),
                                 DBV_TEXT(note),
                                 DBV_INT(d->now)};
            int64_t id;
            enum err e =
                db_int_query(db,
                             "INSERT INTO communities (district_code, code, name, street, kind, urban, "
                             "has_facility, facility_note, version, created_at, updated_at) VALUES "
                             "($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) "
                             "ON CONFLICT (code) DO NOTHING RETURNING id",
                             v, DB_NPARAMS(v), &id);
            if (e == ERR_NOT_FOUND) continue; /* loaded already */
            if (e != OK) return e;
            if (st->urban && i == 0 && *nfirst < 64) {
                first_urban[*nfirst] = id;
                first_d[*nfirst] = st->district;
                (*nfirst)++;
            }
            e = audit_append(db, NULL, "community.create", "community", id, NULL,
                             json_text(d->a, json_pack("{s:s, s:s, s:b}", "code", code, "name", name,
                                                       "has_facility", has)));
            if (e != OK) return e;
        }
    }
    return OK;
}

/* Scenario i of a project relative to today: its status, the days of its steps and its delivery day. */
static enum err demo_project(struct db *db, struct demo_ctx *d, int i, int64_t community_id)
{
    const struct demo_project *p = &projects[i];
    int64_t t = d->today, delivery, built = 0, accepted = 0, handed = 0;
    const char *status;
    int form = i % 3 == 0 ? FF_WITH_KINDERGARTEN : FF_STANDALONE;
    switch (i % 8) {
    case 0:
        status = "planned", delivery = t + 420;
        break;
    case 1:
        status = "built", delivery = t + 75, built = t - 20;
        break;
    case 2:
        status = "planned", delivery = t - 35;
        break; /* late: housing delivered, facility not built */
    case 3:
        status = "accepted", delivery = t - 30, built = t - 120, accepted = t - 32;
        break;
    case 4:
        status = "handed_over", delivery = t - 400, built = t - 520, accepted = t - 402, handed = t - 350;
        break;
    case 5:
        status = "handed_over", delivery = t - 200, built = t - 300, accepted = t - 205, handed = t - 150;
        break;
    case 6:
        status = "accepted", delivery = t - 160, built = t - 260, accepted = t - 150;
        break; /* late */
    default:
        status = "built", delivery = t + 12, built = t - 60;
        break; /* due in twelve days */
    }
    int64_t area = p->homes * 3 / 10;
    if (area < 200) area = 200;
    struct db_val v[] = {DBV_TEXT(p->district),
                         community_id ? DBV_INT(community_id) : DBV_NULL,
                         DBV_TEXT(p->name),
                         DBV_TEXT(p->developer),
                         DBV_INT(p->homes),
                         DBV_INT(area),
                         DBV_TEXT(facility_form_names[form]),
                         DBV_TEXT(status),
                         DBV_TEXT(handed ? handed_to_names[project_handover_department(form)] : NULL),
                         DBV_INT(delivery),
                         built ? DBV_INT(built) : DBV_NULL,
                         accepted ? DBV_INT(accepted) : DBV_NULL,
                         handed ? DBV_INT(handed) : DBV_NULL,
                         DBV_INT(d->now)};
    int64_t id;
    enum err e =
        db_int_query(db,
                     "INSERT INTO residential_projects (district_code, community_id, name, developer, "
                     "homes, facility_area_m2, facility_form, status, handed_to, housing_delivery_day, "
                     "built_day, accepted_day, handed_over_day, version, created_at, updated_at) VALUES "
                     "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id",
                     v, DB_NPARAMS(v), &id);
    if (e != OK) return e;
    return audit_append(db, NULL, "residential_project.create", "residential_project", id, NULL,
                        json_text(d->a, json_pack("{s:s, s:s}", "name", p->name, "status", status)));
}

static enum err demo_room(struct db *db, struct demo_ctx *d, int i)
{
    const struct demo_room *m = &rooms[i];
    int64_t opened = m->status == MB_PLANNED ? 0 : d->today - 30 - (i * 47) % 700;
    struct db_val v[] = {DBV_TEXT(m->district),
                         DBV_TEXT(m->name),
                         DBV_TEXT(m->organisation),
                         DBV_TEXT(place_kind_names[m->place_kind]),
                         DBV_TEXT(m->address),
                         DBV_INT(8 + (i * 7) % 18),
                         DBV_TEXT(room_status_names[m->status]),
                         DBV_TEXT(promoter_names[m->promoter]),
                         opened ? DBV_INT(opened) : DBV_NULL,
                         DBV_INT(d->now)};
    int64_t id;
    enum err e =
        db_int_query(db,
                     "INSERT INTO mother_baby_rooms (district_code, name, organisation, place_kind, "
                     "address, area_m2, status, promoted_by, opened_day, version, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING id",
                     v, DB_NPARAMS(v), &id);
    if (e != OK) return e;
    return audit_append(db, NULL, "mother_baby_room.create", "mother_baby_room", id, NULL,
                        json_text(d->a, json_pack("{s:s, s:s}", "organisation", m->organisation, "status",
                                                  room_status_names[m->status])));
}

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *d = p;
    int64_t done = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM residential_projects", NULL, 0, &done);
    if (e != OK || done > 0) return e; /* loaded already */
    audit_bulk_begin();
    int64_t first[64];
    const char *first_d[64];
    int nfirst;
    e = demo_communities(db, d, first, first_d, &nfirst);
    for (int i = 0; i < NPROJECTS && e == OK; i++) {
        /* Every other project names the first community of its district's first street. */
        int64_t cid = 0;
        for (int k = 0; k < nfirst && i % 2 == 0; k++)
            if (strcmp(first_d[k], projects[i].district) == 0) {
                cid = first[k];
                break;
            }
        e = demo_project(db, d, i, cid);
    }
    for (int i = 0; i < NROOMS && e == OK; i++)
        e = demo_room(db, d, i);
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err facilities_demo_load(struct db *db, struct arena *a)
{
    int64_t now = clock_now();
    struct demo_ctx d = {.a = a, .now = now, .today = clock_day_of(now)};
    return db_tx(db, demo_tx, &d);
}
