/* The filing receipt (备案回执): its number, its verification code, its data and its PDF. */
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/reports/pdf.h"
#include "modules/reports/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_text(struct db_rows *r, struct arena *a, void *item)
{
    *(const char **)item = db_text_dup(r, 0, a);
}

const char *reports_base_url(struct db *db, struct arena *a)
{
    struct db_val v[] = {DBV_TEXT(REPORTS_SETTING_BASE_URL)};
    const char *s = NULL;
    if (db_get_one(db, a, "SELECT value FROM settings WHERE key = $1", v, 1, read_text, &s) != OK || !s ||
        !*s)
        s = REPORTS_DEFAULT_BASE_URL;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        n--;
    return arena_strndup(a, s, n);
}

static void read_receipt(struct db_rows *r, struct arena *a, void *item)
{
    struct receipt *o = item;
    o->filing_id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->status = db_text_dup(r, 2, a);
    o->filing_number = db_text_dup(r, 3, a);
    o->filed_on = db_isnull(r, 4) ? 0 : clock_day_of(db_int(r, 4));
    o->institution_name = db_text_dup(r, 5, a);
    o->uscc = db_text_dup(r, 6, a);
    o->address = db_text_dup(r, 7, a);
    o->inst_state = db_text_dup(r, 8, a);
    o->service_types = (unsigned)db_int(r, 9);
    o->inclusive = db_int(r, 10) != 0;
    o->places = db_int(r, 11);
    o->district_code = db_text_dup(r, 12, a);
    o->district_name = db_text_dup(r, 13, a);
}

enum err receipt_load(struct db *db, struct arena *a, int64_t filing_id, struct receipt *out)
{
    memset(out, 0, sizeof *out);
    struct db_val v[] = {DBV_INT(filing_id)};
    enum err e = db_get_one(db, a,
                            "SELECT f.id, f.institution_id, f.status, f.filing_number, f.decided_at, i.name, "
                            "i.uscc, i.address, i.state, i.service_types, i.inclusive, i.places, "
                            "i.district_code, d.name FROM filings f JOIN institutions i ON i.id = "
                            "f.institution_id JOIN districts d ON d.code = i.district_code WHERE f.id = $1",
                            v, 1, read_receipt, out);
    if (e != OK) return e;
    out->number = receipt_number(a, out->filing_number, out->district_code, out->filed_on, out->filing_id);
    e = receipt_code(a, filing_id, &out->code);
    if (e != OK) return e;
    out->url = arena_printf(a, "%s/verify/%s", reports_base_url(db, a), out->code);
    return OK;
}

/* "全日托、半日托" from service-type bits into buf. */
static const char *service_types_zh(unsigned bits, char *buf, size_t n)
{
    buf[0] = 0;
    size_t used = 0;
    for (int i = 0; i < SVC__COUNT; i++)
        if (bits & (1u << i))
            used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s", used ? "、" : "",
                                     service_type_names_zh[i]);
    if (!buf[0]) snprintf(buf, n, "—");
    return buf;
}

/* One "label：value" line of the receipt's body: the label in a fixed column, the value wrapped beside it. */
static void field_line(struct pdf *p, const char *label, const char *value)
{
    const struct pdf_style lab = {.size = 12, .bold = true};
    const struct pdf_style val = {.size = 12};
    double lw = 40 * PDF_MM, w = pdf_content_width() - lw;
    double y = pdf_y(p);
    double h1 = pdf_text_at(p, PDF_MARGIN, y, lw, label, &lab);
    double h2 = pdf_text_at(p, PDF_MARGIN + lw, y, w, value && *value ? value : "—", &val);
    pdf_set_y(p, y + (h1 > h2 ? h1 : h2) + 7);
}

enum err receipt_pdf(const struct receipt *rc, char **out, size_t *len)
{
    struct pdf *p = pdf_begin("托育机构备案回执");
    if (!p) return ERR_NOMEM;
    const struct pdf_style title = {.size = 24, .bold = true, .serif = true, .align = PDF_CENTER};
    const struct pdf_style num = {.size = 11, .align = PDF_CENTER};
    const struct pdf_style body = {.size = 12};
    const struct pdf_style small = {.size = 9, .gray = 0.25};
    char date[11], svc[128], places[64];
    int y, m, d;
    days_to_date(rc->filed_on, &y, &m, &d);

    pdf_set_y(p, PDF_MARGIN + 10);
    pdf_text(p, "托育机构备案回执", &title, 8);
    pdf_text(p, rc->number, &num, 12);
    pdf_rule(p, 1.2, 14);

    const char *intro = "根据《托育机构登记和备案办法（试行）》，你单位报送的托育机构备案材料已收悉，"
                        "经审核，准予备案。备案信息如下：";
    pdf_text(p, intro, &body, 12);
    snprintf(places, sizeof places, "%lld 个%s", (long long)rc->places, rc->inclusive ? "（普惠性）" : "");
    field_line(p, "机构名称", rc->institution_name);
    field_line(p, "统一社会信用代码", rc->uscc);
    field_line(p, "机构住所", rc->address);
    field_line(p, "所在县（市、区）", rc->district_name);
    field_line(p, "服务类型", service_types_zh(rc->service_types, svc, sizeof svc));
    field_line(p, "托位数", places);
    field_line(p, "备案编号", rc->filing_number);
    field_line(p, "备案日期", date_format(rc->filed_on, date));

    /* The QR code (≥ 35 mm with its quiet zone, so it scans from a 150 dpi raster) and its URL under it. */
    double qr = 40 * PDF_MM;
    pdf_need(p, qr + 60);
    double qy = pdf_y(p) + 6;
    enum err e = pdf_qr(p, (PDF_A4_W - qr) / 2, qy, qr, rc->url);
    if (e != OK) {
        pdf_free(p);
        return e;
    }
    pdf_set_y(p, qy + qr + 2);
    const struct pdf_style url = {.size = 9, .align = PDF_CENTER};
    pdf_text(p, rc->url, &url, 10);
    const char *how = "核验方法：用手机扫描上方二维码，或在浏览器中打开二维码下方的网址，"
                      "核对页面显示的机构名称、统一社会信用代码与本回执一致，并查看机构当前备案状态。"
                      "回执内容被涂改或网址无法打开的，均不能作为备案证明。";
    pdf_text(p, how, &small, 16);

    /* The issuing department and the date, right-aligned as on a paper notice. */
    const struct pdf_style sign = {.size = 12, .align = PDF_RIGHT};
    char dept[128], when[64];
    snprintf(dept, sizeof dept, "%s卫生健康局", rc->district_name ? rc->district_name : "");
    snprintf(when, sizeof when, "%d年%d月%d日", y, m, d);
    pdf_text(p, dept, &sign, 4);
    pdf_text(p, when, &sign, 14);
    pdf_rule(p, 0.5, 6);
    pdf_text(p,
             "本回执由十堰市托育服务综合监管平台生成，不含个人信息。备案信息以核验页面显示的当前状态为准。",
             &small, 0);
    return pdf_finish(p, out, len);
}
