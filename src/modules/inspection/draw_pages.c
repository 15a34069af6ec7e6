/* Public pages of random draws (双随机抽查结果公示): the list of draws and one draw with its seed, method,
 * eligible lists with scores, the drawn institutions with their inspectors and the outcome of each
 * inspection, and how to check a score with a shell one-liner. No personal data: inspectors appear by
 * account name. */
#include "html/layout.h"
#include "modules/inspection/draw.h"
#include "modules/inspection/inspection.h"

#include <stdint.h>
#include <string.h>

#define DRAW_PAGE_LIMIT 50

static void district_label(struct html *h, const struct draw_row *d)
{
    html_text(h, d->district_name ? d->district_name : "全市");
}

enum err draw_page_list(struct req *r, struct resp *out)
{
    struct draw_row *items;
    int n;
    enum err e = draw_list_before(r, NULL, DRAW_PAGE_LIMIT, &items, &n);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "双随机抽查结果公示");
    html_lit(&h,
             "<h1>双随机抽查结果公示</h1>\n<p class=\"intro\">“双随机、一公开”：随机抽取检查对象、随机选派"
             "检查人员，抽查情况和查处结果及时向社会公开。每次抽取都公布随机种子和全部候选名单，"
             "任何人都可以用常见工具重新计算、核对抽取结果。</p>\n");
    if (n == 0) {
        html_lit(&h, "<p>暂无抽查记录。</p>\n");
    } else {
        html_lit(
            &h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"抽查列表\"><table>\n"
                "<thead><tr><th scope=\"col\">抽查</th><th scope=\"col\">部门</th><th scope=\"col\">范围</th>"
                "<th scope=\"col\" class=\"num\">抽取/候选机构</th><th scope=\"col\">计划检查日期</th>"
                "<th scope=\"col\">抽取时间</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct draw_row *d = &items[i];
            html_lit(&h, "<tr><td class=\"wrap\"><a href=\"/draws/");
            html_int(&h, d->id);
            html_lit(&h, "\">");
            html_text(&h, d->title);
            html_lit(&h, "</a></td><td>");
            html_text(&h, d->department_name);
            html_lit(&h, "</td><td>");
            district_label(&h, d);
            html_lit(&h, "</td><td class=\"num\">");
            html_int(&h, d->institutions_wanted);
            html_lit(&h, " / ");
            html_int(&h, d->eligible_institutions);
            html_lit(&h, "</td><td>");
            html_date(&h, d->planned_on);
            html_lit(&h, "</td><td>");
            html_time(&h, d->drawn_at);
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div>\n");
        if (n == DRAW_PAGE_LIMIT) {
            html_lit(&h, "<p class=\"pager\"><a href=\"/draws?before=");
            html_int(&h, items[n - 1].id);
            html_lit(&h, "\">更早的抽查</a></p>\n");
        }
    }
    page_end(&h);
    return resp_html(r, out, 200, &h);
}

static void outcome_cell(struct html *h, const struct draw_pick *pk)
{
    const struct draw_outcome *o = &pk->outcome;
    int st = inspection_name_index(inspection_status_names, o->status);
    if (st != IS_COMPLETED) {
        html_lit(h, "<span class=\"badge\">");
        html_text(h, st >= 0 ? inspection_status_names_zh[st] : "—");
        html_lit(h, "</span>");
        return;
    }
    html_date(h, o->inspected_on);
    int64_t total = 0;
    for (int s = 0; s < 4; s++)
        total += o->findings[s];
    if (total == 0) {
        html_lit(h, " <span class=\"badge ok\">未发现问题</span>");
        return;
    }
    html_lit(h, " <span class=\"badge bad\">发现问题</span><br>");
    bool first = true;
    for (int s = 3; s >= 0; s--) {
        if (!o->findings[s]) continue;
        if (!first) html_lit(h, "，");
        first = false;
        html_text(h, inspection_severity_names_zh[s]);
        html_lit(h, " ");
        html_int(h, o->findings[s]);
        html_lit(h, " 项");
    }
}

static void picks_table(struct html *h, const struct draw_row *d)
{
    if (d->npicks == 0) {
        html_lit(h, "<p>本次没有抽中机构。</p>\n");
        return;
    }
    html_lit(
        h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"抽中的机构\"><table>\n"
           "<thead><tr><th scope=\"col\" class=\"num\">名次</th><th scope=\"col\">机构</th>"
           "<th scope=\"col\">检查人员（账号）</th><th scope=\"col\">检查结果</th></tr></thead>\n<tbody>\n");
    for (int p = 0; p < d->npicks; p++) {
        const struct draw_pick *pk = &d->picks[p];
        html_lit(h, "<tr><td class=\"num\">");
        html_int(h, pk->institution->rank + 1);
        html_lit(h, "</td><td class=\"wrap\"><a href=\"/institutions/");
        html_int(h, pk->institution->id);
        html_lit(h, "\">");
        html_text(h, pk->institution->label);
        html_lit(h, "</a></td><td>");
        for (int j = 0; j < pk->ninspectors; j++) {
            if (j) html_lit(h, "、");
            html_text(h, pk->inspectors[j]->label);
        }
        if (pk->ninspectors == 0) html_lit(h, "—");
        html_lit(h, "</td><td>");
        outcome_cell(h, pk);
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static void candidates_table(struct html *h, const struct draw_candidate *c, int n, int kind)
{
    if (n == 0) {
        html_lit(h, "<p>无。</p>\n");
        return;
    }
    if (kind == DRAW_INSTITUTION)
        html_lit(
            h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"候选机构\"><table>\n"
               "<thead><tr><th scope=\"col\" class=\"num\">名次</th><th scope=\"col\" class=\"num\">编号</th>"
               "<th scope=\"col\">机构</th>");
    else
        html_lit(
            h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"候选检查人员\"><table>\n"
               "<thead><tr><th scope=\"col\" class=\"num\">名次</th><th scope=\"col\" class=\"num\">编号</th>"
               "<th scope=\"col\">账号</th>");
    html_lit(
        h, "<th scope=\"col\">区县代码</th><th scope=\"col\">得分（SHA-256）</th><th scope=\"col\">抽中</th>"
           "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><td class=\"num\">");
        html_int(h, c[i].rank + 1);
        html_lit(h, "</td><td class=\"num\">");
        html_int(h, c[i].id);
        html_lit(h, "</td><td class=\"wrap\">");
        html_text(h, c[i].label);
        html_lit(h, "</td><td>");
        html_text(h, c[i].group ? c[i].group : "—");
        html_lit(h, "</td><td class=\"wrap\"><code>");
        html_text(h, c[i].score);
        html_lit(h, "</code></td><td>");
        if (c[i].selected)
            html_lit(h, "<span class=\"badge info\">抽中</span>");
        else
            html_lit(h, "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody></table></div>\n");
}

static void method_section(struct html *h, const struct draw_row *d)
{
    html_lit(
        h, "<h2>如何核对</h2>\n<ol>\n<li>每家候选机构的得分是文本“<code>随机种子:institution:机构编号</code>”"
           "的 SHA-256 值（64 位小写十六进制）；检查人员的得分是“<code>随机种子:inspector:账号编号</code>”的 "
           "SHA-256 值。</li>\n<li>候选机构按得分从小到大排列，前 ");
    html_int(h, d->institutions_wanted);
    html_lit(h,
             " 家被抽中。候选机构是抽取时在抽查范围内所有已备案的托育机构。</li>\n<li>检查人员在其所在区县内"
             "分配：同一区县的候选检查人员按得分从小到大排成一列（共 m 名）；抽中的机构按名次依次处理，"
             "该区县第 c 家（从 0 数起）抽中的机构分配到这一列中第 (c×");
    html_int(h, d->inspectors_per_institution);
    html_lit(h, "+j) mod m 位（从 0 数起，j = 0…");
    html_int(h, d->inspectors_per_institution - 1);
    html_lit(h, "）的检查人员，即每家 ");
    html_int(h, d->inspectors_per_institution);
    html_lit(h, " 名，循环轮流。</li>\n</ol>\n");
    if (d->npicks > 0) {
        const struct draw_candidate *c = d->picks[0].institution;
        html_lit(h,
                 "<p>例如，在 Linux 或 macOS 终端中计算第 1 名机构的得分（macOS 可用 "
                 "<code>shasum -a 256</code> 代替 <code>sha256sum</code>）：</p>\n<pre><code>printf '%s' '");
        html_text(h, d->seed);
        html_lit(h, ":institution:");
        html_int(h, c->id);
        html_lit(h, "' | sha256sum</code></pre>\n<p>应得到：<code>");
        html_text(h, c->score);
        html_lit(h, "</code></p>\n<p>机器可读的完整数据：<a href=\"/api/v1/public/draws/");
        html_int(h, d->id);
        html_lit(h, "\">JSON</a>。</p>\n");
    }
}

enum err draw_page_get(struct req *r, struct resp *out)
{
    struct draw_row d;
    enum err e = draw_get(r->db, r->a, r->id[0], &d);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, d.title);
    html_lit(&h, "<p><a href=\"/draws\">← 双随机抽查结果公示</a></p>\n<h1>");
    html_text(&h, d.title);
    html_lit(&h, "</h1>\n<dl class=\"facts\">\n<dt>检查部门</dt><dd>");
    html_text(&h, d.department_name);
    html_lit(&h, "</dd>\n<dt>抽查范围</dt><dd>");
    district_label(&h, &d);
    html_lit(&h, "</dd>\n<dt>计划检查日期</dt><dd>");
    html_date(&h, d.planned_on);
    html_lit(&h, "</dd>\n<dt>抽取时间</dt><dd>");
    html_time(&h, d.drawn_at);
    html_lit(&h, "</dd>\n<dt>抽取方法</dt><dd><code>");
    html_text(&h, d.method);
    html_lit(&h, "</code></dd>\n<dt>随机种子</dt><dd><code>");
    html_text(&h, d.seed);
    html_lit(&h, "</code></dd>\n<dt>抽取机构</dt><dd>");
    html_int(&h, d.institutions_wanted);
    html_lit(&h, " 家（候选 ");
    html_int(&h, d.eligible_institutions);
    html_lit(&h, " 家）</dd>\n<dt>检查人员</dt><dd>每家 ");
    html_int(&h, d.inspectors_per_institution);
    html_lit(&h, " 名（候选 ");
    html_int(&h, d.eligible_inspectors);
    html_lit(&h, " 名）</dd>\n</dl>\n<h2>抽中的机构和检查结果</h2>\n");
    picks_table(&h, &d);
    method_section(&h, &d);
    html_lit(&h, "<h2>候选机构（按得分排序）</h2>\n");
    candidates_table(&h, d.insts, d.ninsts, DRAW_INSTITUTION);
    html_lit(&h, "<h2>候选检查人员（按得分排序）</h2>\n");
    candidates_table(&h, d.inspectors, d.ninspectors, DRAW_INSPECTOR);
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
