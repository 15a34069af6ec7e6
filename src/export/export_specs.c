/* The exportable lists: one entry per GET list route of the API, saying where its rows are and how they
 * become a sheet. GET <route>?format=xlsx and the background exports read this table only.
 *
 * Adding a list (other modules: one entry here, nothing else). First its columns, in order:
 *
 *     static const struct xlsx_col c_things[] = {
 *         {"id", "编号", XK_INT},
 *         {"institution.name", "机构名称", XK_TEXT},
 *         {"due_on", "期限", XK_DAY},
 *     };
 *
 * each {member of a row ("a.b" reads b of object a; nesting allowed), Chinese header, cell kind}, the kinds
 * of src/export/xlsx.h: XK_TEXT, XK_INT, XK_NUMBER, XK_FEN (integer fen shown as yuan), XK_PERCENT (0..1),
 * XK_DAY (days or "YYYY-MM-DD"), XK_TIME (epoch seconds), XK_BOOL (是/否). Then the entry in export_specs[]:
 *
 *     {"GET", "/api/v1/things", "items", "事项清单", "things", EXP_PAGES, "per_page", 200, true,
 *      COLS(c_things)},
 *
 * that is: the method and the pattern exactly as in src/routes.c; the member of the JSON answer holding the
 * array of rows; the Chinese title (sheet name ≤ 28 characters, file name, the select of /dash/exports); the
 * ASCII file stem ([a-z0-9-]); the paging — EXP_ONE (one answer holds every row), EXP_PAGES (?page=1,2,…,
 * stopping at the answer's "total" when given, else at a short or empty page) or EXP_BEFORE
 * (?before=<next_before> until it is null); the page-size parameter the handler takes and its largest value
 * (NULL, 0 when none); whether the list takes ?district= (offered as a filter on /dash/exports); the columns.
 *
 * Personal data: only masked members (id_number_masked, phone_masked) — never a member that holds an ID
 * number or a guardian's contact in clear (tests/unit/test_export_specs.c refuses such keys). A column whose
 * key is wrong is silently empty: tests/http/exports.test.mjs exports every list of this table from the demo
 * and checks that every column has a value somewhere, with a short documented list of sparse columns. */
#include "export/export.h"

#include <string.h>

#define COLS(c) c, (int)(sizeof c / sizeof c[0])

static const struct xlsx_col c_districts[] = {
    {"code", "区县代码", XK_TEXT},
    {"name", "区县", XK_TEXT},
    {"kind", "类型", XK_TEXT},
    {"population", "常住人口", XK_INT},
};

static const struct xlsx_col c_institutions[] = {
    {"id", "编号", XK_INT},
    {"uscc", "统一社会信用代码", XK_TEXT},
    {"name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"address", "地址", XK_TEXT},
    {"legal_form", "法人类型", XK_TEXT},
    {"provider_kind", "举办形式", XK_TEXT},
    {"state", "状态", XK_TEXT},
    {"filing_status", "备案审核状态", XK_TEXT},
    {"filing_number", "备案号", XK_TEXT},
    {"registered_on", "登记日期", XK_DAY},
    {"filed_on", "备案日期", XK_DAY},
    {"places", "托位数", XK_INT},
    {"inclusive", "普惠性", XK_BOOL},
    {"service_types", "服务类型", XK_TEXT},
    {"authority", "登记机关", XK_TEXT},
    {"location.lat", "纬度", XK_NUMBER},
    {"location.lon", "经度", XK_NUMBER},
    {"updated_at", "更新时间", XK_TIME},
};

static const struct xlsx_col c_unfiled[] = {
    {"id", "编号", XK_INT},
    {"uscc", "统一社会信用代码", XK_TEXT},
    {"name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"address", "地址", XK_TEXT},
    {"legal_form", "法人类型", XK_TEXT},
    {"state", "状态", XK_TEXT},
    {"filing_status", "备案审核状态", XK_TEXT},
    {"registered_on", "登记日期", XK_DAY},
    {"authority", "登记机关", XK_TEXT},
};

static const struct xlsx_col c_filings[] = {
    {"id", "备案编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"version", "版本", XK_INT},
    {"status", "审核状态", XK_TEXT},
    {"violations", "违规项数", XK_INT},
    {"submitted_at", "提交时间", XK_TIME},
    {"due_on", "审核期限", XK_DAY},
    {"decided_at", "审核时间", XK_TIME},
    {"notify_by", "告知期限", XK_DAY},
    {"filing_number", "备案号", XK_TEXT},
    {"reason", "退回原因", XK_TEXT},
};

/* Staff and children: names and masked numbers only, as the JSON list gives them to the same roles. */
static const struct xlsx_col c_staff[] = {
    {"id", "编号", XK_INT},
    {"name", "姓名", XK_TEXT},
    {"id_number_masked", "身份证号（脱敏）", XK_TEXT},
    {"phone_masked", "手机号（脱敏）", XK_TEXT},
    {"role", "岗位", XK_TEXT},
    {"education", "学历", XK_TEXT},
    {"experience_years", "从业年限", XK_INT},
    {"full_time", "全职", XK_BOOL},
    {"hired_on", "入职日期", XK_DAY},
    {"left_on", "离职日期", XK_DAY},
    {"employed", "在职", XK_BOOL},
    {"last_health_check.checked_on", "最近体检日期", XK_DAY},
    {"last_health_check.result", "最近体检结果", XK_TEXT},
};

static const struct xlsx_col c_children[] = {
    {"id", "编号", XK_INT},
    {"name", "姓名", XK_TEXT},
    {"id_number_masked", "身份证号（脱敏）", XK_TEXT},
    {"sex", "性别", XK_TEXT},
    {"birth_on", "出生日期", XK_DAY},
    {"age_months", "月龄", XK_INT},
    {"class_name", "班级", XK_TEXT},
    {"class_type", "班型", XK_TEXT},
    {"start_on", "入托日期", XK_DAY},
    {"end_on", "离托日期", XK_DAY},
    {"absent_since", "缺勤起始", XK_DAY},
    {"last_check_on", "最近体检", XK_DAY},
    {"next_check_due", "下次体检", XK_DAY},
};

static const struct xlsx_col c_classes[] = {
    {"id", "编号", XK_INT},
    {"name", "班级", XK_TEXT},
    {"type", "班型", XK_TEXT},
    {"capacity", "额定人数", XK_INT},
    {"enrolled", "在托人数", XK_INT},
    {"vacancies", "空余托位", XK_INT},
    {"caregivers", "保育人员数", XK_INT},
    {"closed_on", "撤班日期", XK_DAY},
};

static const struct xlsx_col c_compliance[] = {
    {"id", "编号", XK_INT},
    {"rule", "规则", XK_TEXT},
    {"severity", "等级", XK_TEXT},
    {"subject", "对象", XK_TEXT},
    {"message", "问题", XK_TEXT},
    {"clause", "依据", XK_TEXT},
    {"first_seen", "发现时间", XK_TIME},
};

static const struct xlsx_col c_checks_due[] = {
    {"subject", "对象类型", XK_TEXT}, {"id", "编号", XK_INT},         {"name", "姓名", XK_TEXT},
    {"kind", "事项", XK_TEXT},        {"due_on", "到期日期", XK_DAY}, {"overdue", "已逾期", XK_BOOL},
};

static const struct xlsx_col c_bans[] = {
    {"id", "编号", XK_INT},
    {"name", "姓名", XK_TEXT},
    {"id_number_masked", "身份证号（脱敏）", XK_TEXT},
    {"kind", "禁入类型", XK_TEXT},
    {"ends_on", "禁入截止", XK_DAY},
    {"reason", "原因", XK_TEXT},
    {"authority", "决定机关", XK_TEXT},
    {"decision_number", "决定文号", XK_TEXT},
    {"decided_on", "决定日期", XK_DAY},
    {"district_code", "区县代码", XK_TEXT},
    {"active", "有效", XK_BOOL},
    {"created_at", "录入时间", XK_TIME},
    {"revoked_at", "撤销时间", XK_TIME},
};

static const struct xlsx_col c_ban_matches[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"name", "姓名", XK_TEXT},
    {"id_number_masked", "身份证号（脱敏）", XK_TEXT},
    {"purpose", "用途", XK_TEXT},
    {"checked_at", "核查时间", XK_TIME},
};

static const struct xlsx_col c_person_credit[] = {
    {"id", "编号", XK_INT},
    {"name", "姓名", XK_TEXT},
    {"id_number_masked", "身份证号（脱敏）", XK_TEXT},
    {"kind", "类型", XK_TEXT},
    {"description", "事由", XK_TEXT},
    {"source", "来源", XK_TEXT},
    {"decided_on", "认定日期", XK_DAY},
    {"created_at", "录入时间", XK_TIME},
};

static const struct xlsx_col c_checklists[] = {
    {"id", "编号", XK_INT},       {"department_name", "部门", XK_TEXT}, {"version", "版本", XK_INT},
    {"title", "检查表", XK_TEXT}, {"active", "启用", XK_BOOL},          {"created_at", "创建时间", XK_TIME},
};

static const struct xlsx_col c_inspections[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"department_name", "检查部门", XK_TEXT},
    {"kind", "检查类型", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"planned_on", "计划日期", XK_DAY},
    {"inspected_on", "检查日期", XK_DAY},
    {"result", "检查结果", XK_TEXT},
    {"findings_count", "问题数", XK_INT},
    {"summary", "检查小结", XK_TEXT},
    {"draw_id", "抽查批次", XK_INT},
    {"complaint_id", "投诉编号", XK_INT},
    {"created_at", "创建时间", XK_TIME},
};

static const struct xlsx_col c_findings[] = {
    {"id", "编号", XK_INT},
    {"inspection_id", "检查编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"department", "部门", XK_TEXT},
    {"item_code", "检查项", XK_TEXT},
    {"severity", "严重程度", XK_TEXT},
    {"description", "问题描述", XK_TEXT},
    {"clause", "依据", XK_TEXT},
    {"found_on", "发现日期", XK_DAY},
};

static const struct xlsx_col c_draws[] = {
    {"id", "编号", XK_INT},
    {"title", "抽查名称", XK_TEXT},
    {"department_name", "部门", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"method", "抽取方法", XK_TEXT},
    {"seed", "随机种子", XK_TEXT},
    {"institutions_wanted", "抽取机构数", XK_INT},
    {"inspectors_per_institution", "每机构检查员数", XK_INT},
    {"eligible_institution_count", "备选机构数", XK_INT},
    {"eligible_inspector_count", "备选检查员数", XK_INT},
    {"planned_on", "计划检查日期", XK_DAY},
    {"drawn_at", "抽取时间", XK_TIME},
};

static const struct xlsx_col c_rectifications[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"department_code", "部门", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"level", "督办级别", XK_TEXT},
    {"deadline_on", "整改期限", XK_DAY},
    {"overdue", "逾期", XK_BOOL},
    {"days_overdue", "逾期天数", XK_INT},
    {"requirement", "整改要求", XK_TEXT},
    {"ordered_at", "下达时间", XK_TIME},
    {"answered_at", "答复时间", XK_TIME},
    {"closed_on", "完成日期", XK_DAY},
    {"reopened", "重开次数", XK_INT},
    {"finding.severity", "问题严重程度", XK_TEXT},
    {"finding.description", "问题描述", XK_TEXT},
    {"finding.found_on", "发现日期", XK_DAY},
};

static const struct xlsx_col c_incidents[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"type", "类型", XK_TEXT},
    {"severity", "严重程度", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"occurred_at", "发生时间", XK_TIME},
    {"reported_at", "报告时间", XK_TIME},
    {"deadline_hours", "报告时限（小时）", XK_INT},
    {"late", "迟报", XK_BOOL},
    {"children_affected", "涉及婴幼儿数", XK_INT},
    {"substantiated", "属实", XK_BOOL},
    {"closed_at", "结案时间", XK_TIME},
    {"conclusion", "结论", XK_TEXT},
};

static const struct xlsx_col c_complaints[] = {
    {"id", "编号", XK_INT},
    {"number", "受理号", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"institution_name", "被投诉机构", XK_TEXT},
    {"category", "类别", XK_TEXT},
    {"text", "投诉内容", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"received_at", "收到时间", XK_TIME},
    {"due_on", "答复期限", XK_DAY},
    {"overdue", "逾期", XK_BOOL},
    {"accepted_at", "受理时间", XK_TIME},
    {"answered_at", "答复时间", XK_TIME},
    {"answer", "答复", XK_TEXT},
    {"inspection_id", "检查编号", XK_INT},
};

static const struct xlsx_col c_inst_credit[] = {
    {"id", "编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"uscc", "统一社会信用代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"kind_zh", "类型", XK_TEXT},
    {"summary", "事由", XK_TEXT},
    {"authority", "认定机关", XK_TEXT},
    {"decision_number", "决定文号", XK_TEXT},
    {"decided_on", "决定日期", XK_DAY},
    {"publicity_from", "公示起", XK_DAY},
    {"publicity_until", "公示止", XK_DAY},
    {"in_force", "有效", XK_BOOL},
    {"status", "状态", XK_TEXT},
    {"source", "来源", XK_TEXT},
    {"created_at", "录入时间", XK_TIME},
    {"revoked_at", "修复时间", XK_TIME},
    {"revoked_reason", "修复理由", XK_TEXT},
};

static const struct xlsx_col c_fee_caps[] = {
    {"id", "编号", XK_INT},
    {"district_name", "区县", XK_TEXT},
    {"service_type", "服务类型", XK_TEXT},
    {"applies_to_zh", "适用机构", XK_TEXT},
    {"cap_fen", "指导价上限（元）", XK_FEN},
    {"unit", "计价单位", XK_TEXT},
    {"effective_from", "生效日期", XK_DAY},
    {"basis", "依据", XK_TEXT},
    {"current", "现行", XK_BOOL},
    {"upcoming", "待生效", XK_BOOL},
    {"created_at", "录入时间", XK_TIME},
};

static const struct xlsx_col c_fees[] = {
    {"service_type_zh", "服务类型", XK_TEXT},
    {"monthly_fen", "收费（元）", XK_FEN},
    {"unit", "计价单位", XK_TEXT},
    {"effective_from", "生效日期", XK_DAY},
    {"cap_fen", "指导价上限（元）", XK_FEN},
    {"cap_applies_to", "上限适用", XK_TEXT},
    {"above_cap", "超过上限", XK_BOOL},
};

static const struct xlsx_col c_reviews[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"year", "年度", XK_INT},
    {"status", "状态", XK_TEXT},
    {"due_on", "截止日期", XK_DAY},
    {"submissions", "提交次数", XK_INT},
    {"drills", "应急演练次数", XK_INT},
    {"training_hours", "培训学时", XK_INT},
    {"reason", "退回原因", XK_TEXT},
    {"submitted_at", "提交时间", XK_TIME},
    {"decided_at", "审核时间", XK_TIME},
};

static const struct xlsx_col c_changes[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"source", "来源", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"changes", "变更内容", XK_TEXT},
    {"previous", "变更前", XK_TEXT},
    {"reason", "理由", XK_TEXT},
    {"requested_at", "申请时间", XK_TIME},
    {"decided_at", "审核时间", XK_TIME},
    {"decision_reason", "审核意见", XK_TEXT},
    {"applied_version", "生效版本", XK_INT},
};

static const struct xlsx_col c_deregs[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"kind", "类型", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"planned_on", "计划注销日期", XK_DAY},
    {"children_enrolled", "在托人数", XK_INT},
    {"reason", "理由", XK_TEXT},
    {"placement_plan", "安置方案", XK_TEXT},
    {"decision_number", "决定文号", XK_TEXT},
    {"decision_reason", "审核意见", XK_TEXT},
    {"requested_at", "申请时间", XK_TIME},
    {"decided_at", "审核时间", XK_TIME},
    {"effective", "已生效", XK_BOOL},
};

static const struct xlsx_col c_quality_templates[] = {
    {"id", "编号", XK_INT},
    {"version", "版本", XK_INT},
    {"title", "评估表", XK_TEXT},
    {"indicators", "指标数", XK_INT},
    {"total_points", "总分", XK_INT},
    {"active", "启用", XK_BOOL},
    {"created_at", "创建时间", XK_TIME},
};

static const struct xlsx_col c_quality[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"template_version", "评估表版本", XK_INT},
    {"status", "状态", XK_TEXT},
    {"assessed_on", "评估日期", XK_DAY},
    {"total", "得分", XK_NUMBER},
    {"level", "等级", XK_TEXT},
    {"veto", "一票否决", XK_BOOL},
    {"current", "现行评级", XK_BOOL},
    {"due_on", "复评期限", XK_DAY},
    {"due", "应复评", XK_BOOL},
    {"assessors", "评估人员", XK_TEXT},
    {"published_at", "发布时间", XK_TIME},
};

static const struct xlsx_col c_units[] = {
    {"code", "单位代码", XK_TEXT}, {"name", "单位", XK_TEXT},       {"full_name", "全称", XK_TEXT},
    {"kind", "类型", XK_TEXT},     {"member", "成员单位", XK_BOOL}, {"lead", "牵头单位", XK_BOOL},
    {"office", "联席办", XK_BOOL}, {"duties", "职责", XK_TEXT},
};

static const struct xlsx_col c_plan_tasks[] = {
    {"id", "编号", XK_INT},
    {"number", "序号", XK_TEXT},
    {"section_number", "章节", XK_TEXT},
    {"title", "任务", XK_TEXT},
    {"deadline", "完成时限", XK_DAY},
    {"deadline_text", "时限说明", XK_TEXT},
    {"period", "报告期", XK_TEXT},
    {"lead_units", "牵头单位", XK_TEXT},
    {"responsible_units", "责任单位", XK_TEXT},
    {"overdue", "逾期", XK_BOOL},
};

static const struct xlsx_col c_plan_overdue[] = {
    {"task_number", "任务序号", XK_TEXT}, {"unit_name", "单位", XK_TEXT}, {"role", "职责", XK_TEXT},
    {"period", "报告期", XK_TEXT},        {"status", "状态", XK_TEXT},    {"due_on", "报送期限", XK_DAY},
    {"report_id", "报告编号", XK_INT},
};

static const struct xlsx_col c_task_reports[] = {
    {"id", "编号", XK_INT},
    {"task_number", "任务序号", XK_TEXT},
    {"task_title", "任务", XK_TEXT},
    {"unit_name", "单位", XK_TEXT},
    {"unit_role", "职责", XK_TEXT},
    {"period", "报告期", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"progress", "进展", XK_TEXT},
    {"narrative", "进展情况", XK_TEXT},
    {"overdue", "逾期", XK_BOOL},
    {"due_on", "报送期限", XK_DAY},
    {"submitted_at", "提交时间", XK_TIME},
    {"reviewed_at", "审核时间", XK_TIME},
    {"review_reason", "审核意见", XK_TEXT},
};

static const struct xlsx_col c_meetings[] = {
    {"id", "编号", XK_INT},
    {"kind", "会议类型", XK_TEXT},
    {"title", "会议名称", XK_TEXT},
    {"held_on", "会议日期", XK_DAY},
    {"location", "地点", XK_TEXT},
    {"agenda", "议程", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"resolutions", "议定事项数", XK_INT},
    {"open_resolutions", "未办结事项数", XK_INT},
    {"recorded_at", "纪要录入时间", XK_TIME},
    {"created_at", "创建时间", XK_TIME},
};

static const struct xlsx_col c_resolutions[] = {
    {"id", "编号", XK_INT},
    {"number", "事项编号", XK_TEXT},
    {"meeting.title", "会议", XK_TEXT},
    {"text", "议定事项", XK_TEXT},
    {"owner_name", "责任单位", XK_TEXT},
    {"deadline_on", "办理期限", XK_DAY},
    {"status", "状态", XK_TEXT},
    {"done_on", "办结日期", XK_DAY},
    {"overdue", "逾期", XK_BOOL},
    {"days_overdue", "逾期天数", XK_INT},
};

static const struct xlsx_col c_notices[] = {
    {"id", "编号", XK_INT},
    {"title", "通知", XK_TEXT},
    {"to_all", "发送全部单位", XK_BOOL},
    {"recipients", "接收单位数", XK_INT},
    {"read_count", "已读", XK_INT},
    {"unread_count", "未读", XK_INT},
    {"created_at", "发送时间", XK_TIME},
};

static const struct xlsx_col c_subsidies[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"year", "年度", XK_INT},
    {"type", "补贴类型", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"places", "托位数", XK_INT},
    {"amount_applied_fen", "申请金额（元）", XK_FEN},
    {"amount_approved_fen", "核定金额（元）", XK_FEN},
    {"paid_fen", "拨付金额（元）", XK_FEN},
    {"basis", "申请依据", XK_TEXT},
    {"applied_at", "申请时间", XK_TIME},
    {"decided_at", "审核时间", XK_TIME},
    {"decision_reason", "审核意见", XK_TEXT},
    {"paid_on", "拨付日期", XK_DAY},
};

static const struct xlsx_col c_subsidy_totals[] = {
    {"district_name", "区县", XK_TEXT},         {"type", "补贴类型", XK_TEXT},
    {"applications", "申请数", XK_INT},         {"approved_count", "核定数", XK_INT},
    {"paid_count", "拨付数", XK_INT},           {"applied_fen", "申请金额（元）", XK_FEN},
    {"approved_fen", "核定金额（元）", XK_FEN}, {"paid_fen", "拨付金额（元）", XK_FEN},
};

static const struct xlsx_col c_demonstrations[] = {
    {"id", "编号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"year", "年度", XK_INT},
    {"status", "状态", XK_TEXT},
    {"statement", "申请说明", XK_TEXT},
    {"applied_at", "申请时间", XK_TIME},
    {"score", "评审得分", XK_NUMBER},
    {"evaluation_note", "评审意见", XK_TEXT},
    {"level", "级别", XK_TEXT},
    {"designated_on", "认定日期", XK_DAY},
    {"decision_number", "认定文号", XK_TEXT},
    {"reason", "不予认定理由", XK_TEXT},
};

/* The county scoreboard: one row per district, each indicator's value and score (see assessment.h). */
static const struct xlsx_col c_assessment[] = {
    {"rank", "排名", XK_INT},
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"population", "常住人口", XK_INT},
    {"total", "总分", XK_NUMBER},
    {"indicators.places_per_1000.value", "每千人口托位数", XK_NUMBER},
    {"indicators.places_per_1000.score", "每千人口托位数得分", XK_NUMBER},
    {"indicators.inclusive_share.value", "普惠托位占比", XK_PERCENT},
    {"indicators.inclusive_share.score", "普惠托位占比得分", XK_NUMBER},
    {"indicators.filed_share.value", "登记机构备案率", XK_PERCENT},
    {"indicators.filed_share.score", "登记机构备案率得分", XK_NUMBER},
    {"indicators.inspection_coverage.value", "监督检查覆盖率", XK_PERCENT},
    {"indicators.inspection_coverage.score", "监督检查覆盖率得分", XK_NUMBER},
    {"indicators.rectification_on_time.value", "整改按期完成率", XK_PERCENT},
    {"indicators.rectification_on_time.score", "整改按期完成率得分", XK_NUMBER},
    {"indicators.complaints_on_time.value", "投诉按期答复率", XK_PERCENT},
    {"indicators.complaints_on_time.score", "投诉按期答复率得分", XK_NUMBER},
    {"indicators.demonstration.value", "示范性托育机构", XK_NUMBER},
    {"indicators.demonstration.score", "示范性托育机构得分", XK_NUMBER},
    {"indicators.task_progress.value", "任务与议定事项完成率", XK_PERCENT},
    {"indicators.task_progress.score", "任务与议定事项完成率得分", XK_NUMBER},
};

static const struct xlsx_col c_public_institutions[] = {
    {"id", "编号", XK_INT},
    {"name", "机构名称", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"address", "地址", XK_TEXT},
    {"filing_number", "备案号", XK_TEXT},
    {"filed_on", "备案日期", XK_DAY},
    {"inclusive", "普惠性", XK_BOOL},
    {"places", "托位数", XK_INT},
    {"min_age_months", "最小月龄", XK_INT},
    {"max_age_months", "最大月龄", XK_INT},
    {"fee_min_yuan", "最低收费（元/月）", XK_NUMBER},
};

/* Planning: the planning table per district, the monthly trends, the projection of children under three. */
static const struct xlsx_col c_planning[] = {
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"residents_year", "人口数据年份", XK_INT},
    {"residents", "常住人口", XK_INT},
    {"births", "出生人口", XK_INT},
    {"source", "人口数据来源", XK_TEXT},
    {"places", "托位数", XK_INT},
    {"per_1000", "每千人口托位数", XK_NUMBER},
    {"needed", "目标应有托位数", XK_INT},
    {"gap", "目标托位缺口", XK_INT},
    {"needed2", "远期目标应有托位数", XK_INT},
    {"gap2", "远期目标托位缺口", XK_INT},
    {"inclusive_places", "普惠托位数", XK_INT},
    {"inclusive_share", "普惠托位占比", XK_PERCENT},
    {"enrolled", "在托人数", XK_INT},
    {"vacancies", "空余托位", XK_INT},
    {"filed_institutions", "已备案机构数", XK_INT},
};

static const struct xlsx_col c_planning_trends[] = {
    {"month", "月份", XK_TEXT},
    {"live", "当月实时数据", XK_BOOL},
    {"filed_institutions", "已备案机构数", XK_INT},
    {"places", "托位数", XK_INT},
    {"inclusive_places", "普惠托位数", XK_INT},
    {"inclusive_share", "普惠托位占比", XK_PERCENT},
    {"enrolled", "在托人数", XK_INT},
    {"vacancies", "空余托位", XK_INT},
};

static const struct xlsx_col c_planning_projection[] = {
    {"year", "年份", XK_INT},
    {"births", "出生人口", XK_INT},
    {"under_three", "三岁以下婴幼儿数", XK_INT},
    {"projected", "推算值", XK_BOOL},
};

/* Demand: applications' choices (guardians masked: an operator's clear contact is no column) and the counts
 * per district. */
static const struct xlsx_col c_demand_choices[] = {
    {"id", "编号", XK_INT},
    {"ref", "申请编号", XK_TEXT},
    {"application_id", "申请序号", XK_INT},
    {"rank", "志愿顺序", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"institution_name", "机构名称", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"age_band", "年龄段", XK_TEXT},
    {"birth_month", "出生年月", XK_TEXT},
    {"start_month", "期望入托年月", XK_TEXT},
    {"service_type", "服务类型", XK_TEXT},
    {"waitlist_position", "候补位次", XK_INT},
    {"note", "答复说明", XK_TEXT},
    {"guardian.name_masked", "监护人（脱敏）", XK_TEXT},
    {"guardian.phone_masked", "联系电话（脱敏）", XK_TEXT},
    {"created_at", "申请时间", XK_TIME},
    {"answered_at", "答复时间", XK_TIME},
};

static const struct xlsx_col c_demand_summary[] = {
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"residents", "常住人口", XK_INT},
    {"needed", "目标应有托位数", XK_INT},
    {"places", "托位数", XK_INT},
    {"applications", "申请数", XK_INT},
    {"pending", "待答复", XK_INT},
    {"offered", "已录取", XK_INT},
    {"waitlisted", "候补中", XK_INT},
    {"declined", "未录取", XK_INT},
    {"accepted", "已接受", XK_INT},
    {"withdrawn", "已撤回", XK_INT},
    {"unmet", "未满足需求", XK_INT},
    {"unmet_applications", "未满足的申请", XK_INT},
    {"unmet_needs", "登记的未满足需求", XK_INT},
};

static const struct xlsx_col c_public_demand_institutions[] = {
    {"id", "编号", XK_INT},
    {"name", "机构名称", XK_TEXT},
};

static const struct xlsx_col c_public_demand_communities[] = {
    {"id", "编号", XK_INT},
    {"name", "社区", XK_TEXT},
    {"street", "街道（乡镇）", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"urban", "城市社区", XK_BOOL},
};

/* Facilities: communities, new residential projects, mother-and-baby rooms, coverage per district. */
static const struct xlsx_col c_communities[] = {
    {"id", "编号", XK_INT},
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"code", "社区代码", XK_TEXT},
    {"name", "社区（村）", XK_TEXT},
    {"street", "街道（乡镇）", XK_TEXT},
    {"kind", "类型", XK_TEXT},
    {"urban", "城市社区", XK_BOOL},
    {"has_facility", "有托育服务设施", XK_BOOL},
    {"facility_note", "设施说明", XK_TEXT},
    {"updated_at", "更新时间", XK_TIME},
};

static const struct xlsx_col c_residential_projects[] = {
    {"id", "编号", XK_INT},
    {"district_name", "区县", XK_TEXT},
    {"name", "项目名称", XK_TEXT},
    {"developer", "建设单位", XK_TEXT},
    {"community_name", "所在社区", XK_TEXT},
    {"homes", "住宅户数", XK_INT},
    {"facility_area_m2", "托育设施面积（平方米）", XK_INT},
    {"facility_form", "设置形式", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"housing_delivery_day", "住宅交付日期", XK_DAY},
    {"built_day", "建成日期", XK_DAY},
    {"accepted_day", "验收日期", XK_DAY},
    {"handed_over_day", "移交日期", XK_DAY},
    {"handed_to", "移交对象", XK_TEXT},
    {"late", "逾期", XK_BOOL},
    {"late_reason", "逾期原因", XK_TEXT},
    {"note", "备注", XK_TEXT},
};

static const struct xlsx_col c_mother_baby_rooms[] = {
    {"id", "编号", XK_INT},
    {"district_name", "区县", XK_TEXT},
    {"name", "母婴室", XK_TEXT},
    {"organisation", "所属单位", XK_TEXT},
    {"place_kind", "场所类型", XK_TEXT},
    {"address", "地址", XK_TEXT},
    {"area_m2", "面积（平方米）", XK_INT},
    {"status", "状态", XK_TEXT},
    {"promoted_by", "推动单位", XK_TEXT},
    {"opened_day", "启用日期", XK_DAY},
    {"note", "备注", XK_TEXT},
};

static const struct xlsx_col c_facilities_coverage[] = {
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"urban.total", "城市社区数", XK_INT},
    {"urban.with_facility", "有设施的城市社区", XK_INT},
    {"urban.share", "城市社区覆盖率", XK_PERCENT},
    {"rural.total", "农村社区数", XK_INT},
    {"rural.with_facility", "有设施的农村社区", XK_INT},
    {"rural.share", "农村社区覆盖率", XK_PERCENT},
    {"goal", "目标达成", XK_TEXT},
    {"projects.total", "新建住宅项目", XK_INT},
    {"projects.planned", "规划中", XK_INT},
    {"projects.built", "已建成", XK_INT},
    {"projects.accepted", "已验收", XK_INT},
    {"projects.handed_over", "已移交", XK_INT},
    {"projects.late", "逾期项目", XK_INT},
    {"rooms.total", "母婴室", XK_INT},
    {"rooms.open", "开放的母婴室", XK_INT},
};

/* Family guidance: experts, events (and their sign-ups, masked), articles, families reached. */
static const struct xlsx_col c_guidance_experts[] = {
    {"id", "编号", XK_INT},
    {"name", "姓名", XK_TEXT},
    {"title", "职称", XK_TEXT},
    {"organisation", "工作单位", XK_TEXT},
    {"speciality", "专长", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"added_by_unit", "录入单位", XK_TEXT},
    {"active", "在库", XK_BOOL},
};

static const struct xlsx_col c_guidance_events[] = {
    {"id", "编号", XK_INT},
    {"title", "活动名称", XK_TEXT},
    {"kind", "类型", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"venue_kind", "场地类型", XK_TEXT},
    {"venue", "地点", XK_TEXT},
    {"starts_epoch", "开始时间", XK_TIME},
    {"ends_epoch", "结束时间", XK_TIME},
    {"capacity", "名额", XK_INT},
    {"taken", "已报名", XK_INT},
    {"places_left", "剩余名额", XK_INT},
    {"attended", "到场家庭数", XK_INT},
    {"families_reached", "覆盖家庭数", XK_INT},
    {"institution_name", "承办机构", XK_TEXT},
    {"expert_name", "授课专家", XK_TEXT},
    {"expert_title", "专家职称", XK_TEXT},
    {"expert_organisation", "专家单位", XK_TEXT},
};

static const struct xlsx_col c_public_guidance_events[] = {
    {"id", "编号", XK_INT},
    {"title", "活动名称", XK_TEXT},
    {"kind", "类型", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"venue_kind", "场地类型", XK_TEXT},
    {"venue", "地点", XK_TEXT},
    {"starts_epoch", "开始时间", XK_TIME},
    {"ends_epoch", "结束时间", XK_TIME},
    {"capacity", "名额", XK_INT},
    {"places_left", "剩余名额", XK_INT},
    {"institution_name", "承办机构", XK_TEXT},
    {"expert_name", "授课专家", XK_TEXT},
    {"expert_title", "专家职称", XK_TEXT},
};

static const struct xlsx_col c_guidance_signups[] = {
    {"id", "编号", XK_INT},
    {"ref_code", "报名编号", XK_TEXT},
    {"guardian_name_masked", "家长（脱敏）", XK_TEXT},
    {"guardian_phone_masked", "手机号（脱敏）", XK_TEXT},
    {"children", "儿童人数", XK_INT},
    {"child_age_band", "儿童年龄段", XK_TEXT},
    {"created_at", "报名时间", XK_TEXT},
    {"cancelled", "已取消", XK_BOOL},
};

static const struct xlsx_col c_guidance_articles[] = {
    {"id", "编号", XK_INT},       {"title", "标题", XK_TEXT},
    {"summary", "摘要", XK_TEXT}, {"author_unit", "撰稿单位", XK_TEXT},
    {"status", "状态", XK_TEXT},  {"published_on", "发布日期", XK_DAY},
};

static const struct xlsx_col c_public_guidance_articles[] = {
    {"id", "编号", XK_INT},
    {"title", "标题", XK_TEXT},
    {"summary", "摘要", XK_TEXT},
    {"author_unit", "撰稿单位", XK_TEXT},
    {"published_on", "发布日期", XK_DAY},
};

static const struct xlsx_col c_guidance_reach[] = {
    {"district_code", "区县代码", XK_TEXT}, {"district_name", "区县", XK_TEXT},
    {"events_done", "已结束活动", XK_INT},  {"signups", "报名数", XK_INT},
    {"families", "覆盖家庭数", XK_INT},
};

/* Public incident statistics per district (counts only) and a notice's read receipts per unit. */
static const struct xlsx_col c_incident_stats[] = {
    {"district_code", "区县代码", XK_TEXT},
    {"district_name", "区县", XK_TEXT},
    {"total_incidents", "安全事件数", XK_INT},
    {"serious_injuries", "重伤人数", XK_INT},
    {"deaths", "死亡人数", XK_INT},
    {"substantiated_abuse", "查实虐待事件", XK_INT},
};

static const struct xlsx_col c_notice_receipts[] = {
    {"unit_code", "单位代码", XK_TEXT}, {"unit_name", "单位", XK_TEXT}, {"read", "已读", XK_BOOL},
    {"read_at", "阅读时间", XK_TIME},   {"read_by", "阅读人", XK_TEXT},
};

/* Data exchange and onboarding: the outbox's receivers and deliveries, the institution import batches. */
static const struct xlsx_col c_outbox_receivers[] = {
    {"id", "编号", XK_INT},
    {"name", "接收方", XK_TEXT},
    {"url", "推送地址", XK_TEXT},
    {"actions", "推送事件", XK_TEXT},
    {"authority", "限登记机关", XK_TEXT},
    {"active", "启用", XK_BOOL},
    {"from_seq", "起始序号", XK_INT},
    {"deliveries.pending", "待推送", XK_INT},
    {"deliveries.delivered", "已送达", XK_INT},
    {"deliveries.dead", "推送失败", XK_INT},
    {"created_at", "创建时间", XK_TIME},
    {"updated_at", "更新时间", XK_TIME},
};

static const struct xlsx_col c_outbox_deliveries[] = {
    {"receiver_id", "接收方编号", XK_INT},
    {"seq", "事件序号", XK_INT},
    {"institution_id", "机构编号", XK_INT},
    {"action", "事件", XK_TEXT},
    {"status", "状态", XK_TEXT},
    {"attempts", "尝试次数", XK_INT},
    {"last_status", "最近应答状态码", XK_INT},
    {"last_error", "最近错误", XK_TEXT},
    {"delivered_at", "送达时间", XK_TIME},
};

static const struct xlsx_col c_import_batches[] = {
    {"id", "批次", XK_INT},
    {"at", "导入时间", XK_TIME},
    {"by", "导入人", XK_TEXT},
    {"format", "文件格式", XK_TEXT},
    {"encoding", "编码", XK_TEXT},
    {"rows", "数据行", XK_INT},
    {"created", "新增", XK_INT},
    {"updated", "更新", XK_INT},
    {"unchanged", "无变化", XK_INT},
    {"filings", "历史备案", XK_INT},
    {"sha256", "文件摘要（SHA-256）", XK_TEXT},
};

const struct export_spec export_specs[] = {
    /* Reference data and the registry. */
    {"GET", "/api/v1/public/districts", "items", "区县", "districts", EXP_ONE, NULL, 0, false,
     COLS(c_districts)},
    {"GET", "/api/v1/institutions", "items", "机构名录", "institutions", EXP_PAGES, NULL, 0, true,
     COLS(c_institutions)},
    {"GET", "/api/v1/institutions/unfiled", "items", "逾期未备案机构", "unfiled", EXP_PAGES, NULL, 0, true,
     COLS(c_unfiled)},
    {"GET", "/api/v1/public/institutions", "items", "已备案机构（公开）", "public-institutions", EXP_PAGES,
     NULL, 0, true, COLS(c_public_institutions)},
    /* Filing. */
    {"GET", "/api/v1/filings", "items", "备案审核", "filings", EXP_PAGES, NULL, 0, true, COLS(c_filings)},
    {"GET", "/api/v1/institutions/{id}/filings", "items", "机构备案记录", "institution-filings", EXP_PAGES,
     NULL, 0, false, COLS(c_filings)},
    /* People (masked). */
    {"GET", "/api/v1/institutions/{id}/staff", "items", "工作人员", "staff", EXP_ONE, NULL, 0, false,
     COLS(c_staff)},
    {"GET", "/api/v1/institutions/{id}/children", "items", "在托婴幼儿", "children", EXP_ONE, NULL, 0, false,
     COLS(c_children)},
    {"GET", "/api/v1/institutions/{id}/classes", "items", "班级", "classes", EXP_ONE, NULL, 0, false,
     COLS(c_classes)},
    {"GET", "/api/v1/institutions/{id}/checks-due", "items", "到期体检与证书", "checks-due", EXP_ONE, NULL, 0,
     false, COLS(c_checks_due)},
    {"GET", "/api/v1/institutions/{id}/findings", "items", "合规问题", "compliance-findings", EXP_ONE, NULL,
     0, false, COLS(c_compliance)},
    {"GET", "/api/v1/bans", "items", "禁入名单", "bans", EXP_BEFORE, "limit", 100, false, COLS(c_bans)},
    {"GET", "/api/v1/ban-matches", "items", "禁入人员录用拦截", "ban-matches", EXP_BEFORE, "limit", 100,
     false, COLS(c_ban_matches)},
    {"GET", "/api/v1/person-credit-records", "items", "个人信用记录", "person-credit-records", EXP_BEFORE,
     "limit", 100, false, COLS(c_person_credit)},
    /* Supervision. */
    {"GET", "/api/v1/checklist-templates", "items", "检查表", "checklist-templates", EXP_ONE, NULL, 0, false,
     COLS(c_checklists)},
    {"GET", "/api/v1/inspections", "items", "监督检查", "inspections", EXP_PAGES, "per_page", 200, true,
     COLS(c_inspections)},
    {"GET", "/api/v1/institutions/{id}/inspections", "items", "机构检查记录", "institution-inspections",
     EXP_PAGES, "per_page", 200, false, COLS(c_inspections)},
    {"GET", "/api/v1/findings", "items", "检查发现问题", "findings", EXP_PAGES, "per_page", 200, true,
     COLS(c_findings)},
    {"GET", "/api/v1/draws", "items", "双随机抽查", "draws", EXP_BEFORE, NULL, 0, false, COLS(c_draws)},
    {"GET", "/api/v1/public/draws", "items", "双随机抽查公示", "public-draws", EXP_BEFORE, NULL, 0, false,
     COLS(c_draws)},
    {"GET", "/api/v1/rectifications", "items", "整改", "rectifications", EXP_PAGES, NULL, 0, true,
     COLS(c_rectifications)},
    {"GET", "/api/v1/institutions/{id}/rectifications", "items", "机构整改记录", "institution-rectifications",
     EXP_PAGES, NULL, 0, false, COLS(c_rectifications)},
    {"GET", "/api/v1/incidents", "items", "安全事件", "incidents", EXP_PAGES, NULL, 0, true,
     COLS(c_incidents)},
    {"GET", "/api/v1/complaints", "items", "投诉", "complaints", EXP_PAGES, NULL, 0, true,
     COLS(c_complaints)},
    {"GET", "/api/v1/institution-credit-records", "items", "机构信用记录", "institution-credit-records",
     EXP_PAGES, "per_page", 200, true, COLS(c_inst_credit)},
    {"GET", "/api/v1/fee-caps", "items", "收费指导价上限", "fee-caps", EXP_ONE, NULL, 0, true,
     COLS(c_fee_caps)},
    {"GET", "/api/v1/institutions/{id}/fees", "current", "机构收费", "fees", EXP_ONE, NULL, 0, false,
     COLS(c_fees)},
    /* Life cycle and quality. */
    {"GET", "/api/v1/annual-reviews", "items", "年审", "annual-reviews", EXP_ONE, NULL, 0, true,
     COLS(c_reviews)},
    {"GET", "/api/v1/changes", "items", "信息变更", "changes", EXP_ONE, NULL, 0, true, COLS(c_changes)},
    {"GET", "/api/v1/deregistrations", "items", "注销", "deregistrations", EXP_ONE, NULL, 0, true,
     COLS(c_deregs)},
    {"GET", "/api/v1/quality-templates", "items", "质量评估表", "quality-templates", EXP_ONE, NULL, 0, false,
     COLS(c_quality_templates)},
    {"GET", "/api/v1/quality-assessments", "items", "质量评估", "quality-assessments", EXP_PAGES, NULL, 0,
     true, COLS(c_quality)},
    {"GET", "/api/v1/institutions/{id}/quality", "items", "机构质量评估", "institution-quality", EXP_ONE,
     NULL, 0, false, COLS(c_quality)},
    /* Joint meeting. */
    {"GET", "/api/v1/units", "items", "成员单位", "units", EXP_ONE, NULL, 0, false, COLS(c_units)},
    {"GET", "/api/v1/plan/tasks", "items", "实施方案任务", "plan-tasks", EXP_ONE, NULL, 0, false,
     COLS(c_plan_tasks)},
    {"GET", "/api/v1/plan/overdue", "reports", "逾期未报", "plan-overdue", EXP_ONE, NULL, 0, false,
     COLS(c_plan_overdue)},
    {"GET", "/api/v1/task-reports", "items", "任务进展报告", "task-reports", EXP_ONE, NULL, 0, false,
     COLS(c_task_reports)},
    {"GET", "/api/v1/meetings", "items", "联席会议", "meetings", EXP_ONE, NULL, 0, false, COLS(c_meetings)},
    {"GET", "/api/v1/resolutions", "items", "议定事项", "resolutions", EXP_ONE, NULL, 0, false,
     COLS(c_resolutions)},
    {"GET", "/api/v1/notices", "items", "通知", "notices", EXP_ONE, NULL, 0, false, COLS(c_notices)},
    /* Policy support and the scoreboard. */
    {"GET", "/api/v1/subsidies", "items", "补贴", "subsidies", EXP_PAGES, NULL, 0, true, COLS(c_subsidies)},
    {"GET", "/api/v1/subsidies/totals", "items", "补贴汇总", "subsidy-totals", EXP_ONE, NULL, 0, false,
     COLS(c_subsidy_totals)},
    {"GET", "/api/v1/demonstrations", "items", "示范性托育机构", "demonstrations", EXP_PAGES, NULL, 0, true,
     COLS(c_demonstrations)},
    {"GET", "/api/v1/assessment", "districts", "督导考核", "assessment", EXP_ONE, NULL, 0, false,
     COLS(c_assessment)},
    /* Planning, demand, facilities. */
    {"GET", "/api/v1/planning", "rows", "托育服务规划", "planning", EXP_ONE, NULL, 0, true, COLS(c_planning)},
    {"GET", "/api/v1/planning/trends", "months", "托位月度趋势", "planning-trends", EXP_ONE, NULL, 0, true,
     COLS(c_planning_trends)},
    {"GET", "/api/v1/planning/projection", "years", "三岁以下婴幼儿预测", "planning-projection", EXP_ONE,
     NULL, 0, true, COLS(c_planning_projection)},
    {"GET", "/api/v1/demand/choices", "items", "入托申请志愿", "demand-choices", EXP_ONE, NULL, 0, true,
     COLS(c_demand_choices)},
    {"GET", "/api/v1/demand/summary", "districts", "入托需求（分区县）", "demand-summary", EXP_ONE, NULL, 0,
     true, COLS(c_demand_summary)},
    {"GET", "/api/v1/public/demand/institutions", "items", "可申请机构（公开）", "public-demand-institutions",
     EXP_ONE, NULL, 0, true, COLS(c_public_demand_institutions)},
    {"GET", "/api/v1/public/demand/communities", "items", "社区（公开）", "public-demand-communities",
     EXP_ONE, NULL, 0, true, COLS(c_public_demand_communities)},
    {"GET", "/api/v1/communities", "items", "城乡社区", "communities", EXP_PAGES, NULL, 0, true,
     COLS(c_communities)},
    {"GET", "/api/v1/residential-projects", "items", "新建住宅小区配套托育", "residential-projects",
     EXP_PAGES, NULL, 0, true, COLS(c_residential_projects)},
    {"GET", "/api/v1/mother-baby-rooms", "items", "母婴室", "mother-baby-rooms", EXP_PAGES, NULL, 0, true,
     COLS(c_mother_baby_rooms)},
    {"GET", "/api/v1/facilities/coverage", "items", "托育设施覆盖（分区县）", "facilities-coverage", EXP_ONE,
     NULL, 0, true, COLS(c_facilities_coverage)},
    /* Family guidance. */
    {"GET", "/api/v1/guidance/experts", "items", "家庭养育指导专家", "guidance-experts", EXP_ONE, NULL, 0,
     true, COLS(c_guidance_experts)},
    {"GET", "/api/v1/guidance/events", "items", "家庭养育指导活动", "guidance-events", EXP_ONE, NULL, 0, true,
     COLS(c_guidance_events)},
    {"GET", "/api/v1/guidance/events/{id}/signups", "items", "活动报名（脱敏）", "guidance-signups", EXP_ONE,
     NULL, 0, false, COLS(c_guidance_signups)},
    {"GET", "/api/v1/guidance/articles", "items", "育儿指导文章", "guidance-articles", EXP_ONE, NULL, 0,
     false, COLS(c_guidance_articles)},
    {"GET", "/api/v1/guidance/reach", "districts", "家庭指导覆盖（分区县）", "guidance-reach", EXP_ONE, NULL,
     0, false, COLS(c_guidance_reach)},
    {"GET", "/api/v1/public/guidance/events", "items", "家庭养育指导活动（公开）", "public-guidance-events",
     EXP_ONE, NULL, 0, true, COLS(c_public_guidance_events)},
    {"GET", "/api/v1/public/guidance/articles", "items", "育儿指导文章（公开）", "public-guidance-articles",
     EXP_ONE, NULL, 0, false, COLS(c_public_guidance_articles)},
    /* Public incident statistics; a notice's receipts. */
    {"GET", "/api/v1/public/incident-stats", "districts", "安全事件统计（公开）", "public-incident-stats",
     EXP_ONE, NULL, 0, false, COLS(c_incident_stats)},
    {"GET", "/api/v1/notices/{id}/receipts", "receipts", "通知签收情况", "notice-receipts", EXP_ONE, NULL, 0,
     false, COLS(c_notice_receipts)},
    /* Data exchange and onboarding. */
    {"GET", "/api/v1/outbox/receivers", "items", "数据推送接收方", "outbox-receivers", EXP_ONE, NULL, 0,
     false, COLS(c_outbox_receivers)},
    {"GET", "/api/v1/outbox/deliveries", "items", "数据推送记录", "outbox-deliveries", EXP_ONE, NULL, 0,
     false, COLS(c_outbox_deliveries)},
    {"GET", "/api/v1/imports/institutions", "items", "机构导入批次", "import-batches", EXP_ONE, NULL, 0,
     false, COLS(c_import_batches)},
};

const int nexport_specs = (int)(sizeof export_specs / sizeof export_specs[0]);

const struct export_spec *export_spec_find(const char *method, const char *pattern)
{
    if (!method || !pattern) return NULL;
    for (int i = 0; i < nexport_specs; i++)
        if (strcmp(export_specs[i].method, method) == 0 && strcmp(export_specs[i].pattern, pattern) == 0)
            return &export_specs[i];
    return NULL;
}
