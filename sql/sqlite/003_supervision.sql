-- tuoyu schema 3 (SQLite): supervision — departments, checklist templates, inspections and findings, random
-- draws (双随机一公开), rectification orders. Twin: sql/pg/003_supervision.sql.

-- The departments that inspect, each within its competence (市卫健委's joint-supervision list).
CREATE TABLE departments (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  competence TEXT NOT NULL,
  sort INTEGER NOT NULL
) STRICT;
INSERT INTO departments (code, name, competence, sort) VALUES
  ('health', '卫生健康部门', '卫生保健、疾病防控、饮用水卫生、托育服务规范', 1),
  ('fire', '消防救援机构', '消防安全', 2),
  ('police', '公安机关', '安保人员、人防物防技防', 3),
  ('market', '市场监管部门', '食品安全、收费价格', 4),
  ('emergency', '应急管理部门', '应急预案与演练', 5),
  ('education', '教育部门', '幼儿园托班', 6),
  ('housing', '住房和城乡建设部门', '房屋建筑与设施安全', 7);

-- Inspectors belong to a department (NULL for every other role; city and county officials act as health).
-- No REFERENCES: SQLite cannot drop a column that is a foreign key, and user_create checks the code.
ALTER TABLE users ADD COLUMN department_code TEXT;

-- Checklist templates: one row per version; a change is a new version, old inspections keep theirs.
CREATE TABLE checklist_templates (
  id INTEGER PRIMARY KEY,
  department_code TEXT NOT NULL REFERENCES departments(code),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  items TEXT NOT NULL,             -- JSON array of {"code","text","clause"}
  active INTEGER NOT NULL,         -- 1 for the department's current version
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  UNIQUE (department_code, version)
) STRICT;

-- Random draws: the seed and the eligible lists are stored and published so anyone can redo the draw.
CREATE TABLE draws (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  department_code TEXT NOT NULL REFERENCES departments(code),
  district_code TEXT REFERENCES districts(code),   -- NULL: the whole city
  method TEXT NOT NULL,            -- the algorithm's name and version, e.g. sha256-rank-v1
  seed TEXT NOT NULL,              -- 64 hex digits
  institutions_wanted INTEGER NOT NULL,
  inspectors_per_institution INTEGER NOT NULL,
  eligible_institutions INTEGER NOT NULL,
  eligible_inspectors INTEGER NOT NULL,
  planned_on INTEGER NOT NULL,     -- day the drawn inspections are due
  drawn_at INTEGER NOT NULL,
  drawn_by INTEGER REFERENCES users(id)
) STRICT;

CREATE TABLE draw_entries (
  draw_id INTEGER NOT NULL REFERENCES draws(id),
  kind TEXT NOT NULL,              -- institution | inspector
  ref_id INTEGER NOT NULL,         -- institutions.id or users.id
  label TEXT NOT NULL,             -- name at draw time (institution name, inspector's username)
  district_code TEXT NOT NULL,     -- its district at draw time: inspectors are assigned within a district
  score TEXT NOT NULL,             -- hex SHA-256 of "seed:kind:ref_id"
  selected INTEGER NOT NULL,       -- 1 when drawn
  PRIMARY KEY (draw_id, kind, ref_id)
) STRICT;

CREATE TABLE inspections (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  department_code TEXT NOT NULL REFERENCES departments(code),
  kind TEXT NOT NULL,              -- routine | random | complaint | campaign
  status TEXT NOT NULL,            -- planned | completed | cancelled
  template_id INTEGER REFERENCES checklist_templates(id),
  planned_on INTEGER,              -- day
  inspected_on INTEGER,            -- day; set when completed
  draw_id INTEGER REFERENCES draws(id),
  complaint_id INTEGER,            -- the complaint that triggered it (complaints live in a later schema)
  summary TEXT,
  result TEXT,                     -- pass | findings, when completed
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inspections_institution ON inspections (institution_id, inspected_on);
CREATE INDEX inspections_status ON inspections (status, planned_on);

CREATE TABLE inspection_inspectors (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (inspection_id, user_id)
) STRICT;
CREATE INDEX inspection_inspectors_user ON inspection_inspectors (user_id);

CREATE TABLE inspection_items (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  item_code TEXT NOT NULL,
  result TEXT NOT NULL,            -- pass | fail | na
  note TEXT,
  PRIMARY KEY (inspection_id, item_code)
) STRICT;

CREATE TABLE inspection_findings (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  item_code TEXT,
  severity TEXT NOT NULL,          -- low | medium | high | critical
  clause TEXT NOT NULL,            -- the rule breached
  description TEXT NOT NULL,       -- no personal names or numbers
  found_on INTEGER NOT NULL,       -- day
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inspection_findings_institution ON inspection_findings (institution_id, found_on);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id);

-- Rectification: at most one order per finding; answers, verifications and evidence are kept, never replaced.
CREATE TABLE rectification_orders (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL UNIQUE REFERENCES inspection_findings(id),
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  status TEXT NOT NULL,            -- open | answered | accepted
  deadline_on INTEGER NOT NULL,    -- day
  requirement TEXT NOT NULL,
  ordered_at INTEGER NOT NULL,
  ordered_by INTEGER REFERENCES users(id),
  answered_at INTEGER,
  closed_on INTEGER,               -- day accepted
  reopened INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX rectification_orders_status ON rectification_orders (status, deadline_on);
CREATE INDEX rectification_orders_institution ON rectification_orders (institution_id, status);

CREATE TABLE rectification_events (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES rectification_orders(id),
  event TEXT NOT NULL,             -- order | answer | accept | reopen
  text TEXT,
  deadline_on INTEGER,             -- reopen: the new deadline
  at INTEGER NOT NULL,
  by_user INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX rectification_events_order ON rectification_events (order_id, id);

CREATE TABLE rectification_evidence (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES rectification_orders(id),
  event_id INTEGER REFERENCES rectification_events(id),  -- the answer it belongs to; NULL until answered
  sha256 TEXT NOT NULL REFERENCES files(sha256),
  filename TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  uploaded_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX rectification_evidence_order ON rectification_evidence (order_id);

-- Default checklist templates (version 1, one per department). Clauses cite the national rule; "待核" marks an
-- article number from a secondary source (see docs and /work/shared/reference/rules-and-sources.md).
INSERT INTO checklist_templates (department_code, version, title, items, active, created_at, created_by) VALUES
  ('health', 1, '卫生健康部门托育机构监督检查表', '[{"code":"H01","text":"工作人员上岗前经健康检查合格，并每年复查","clause":"托育机构管理规范（试行）第二十八条；托儿所幼儿园卫生保健管理办法（卫生部、教育部令第76号）"},{"code":"H02","text":"婴幼儿入托前进行健康检查，查验预防接种证","clause":"托育机构管理规范（试行）；托儿所幼儿园卫生保健管理办法（卫生部、教育部令第76号）"},{"code":"H03","text":"落实每日晨检和午检，有记录","clause":"托育机构管理规范（试行）（条款号待核）；托儿所幼儿园卫生保健工作规范（2012）"},{"code":"H04","text":"配备与规模相适应的卫生保健人员，经妇幼保健机构培训","clause":"托育机构设置标准（试行）；托儿所幼儿园卫生保健管理办法（卫生部、教育部令第76号）"},{"code":"H05","text":"传染病防控：发现、报告、隔离、消毒制度落实","clause":"托儿所幼儿园卫生保健管理办法（卫生部、教育部令第76号）；托儿所幼儿园卫生保健工作规范（2012）"},{"code":"H06","text":"环境和物品清洁消毒，有消毒记录","clause":"托儿所幼儿园卫生保健工作规范（2012）"},{"code":"H07","text":"生活饮用水符合卫生标准，饮水设施定期清洗消毒","clause":"托儿所幼儿园卫生保健工作规范（2012）；生活饮用水卫生标准 GB 5749"},{"code":"H08","text":"每日户外活动不少于2小时（寒冷、炎热季节可酌情调整）","clause":"托育机构管理规范（试行）（条款号待核）"},{"code":"H09","text":"膳食营养：食谱定期更换，营养分析","clause":"托儿所幼儿园卫生保健工作规范（2012）"},{"code":"H10","text":"卫生评价报告结论为合格","clause":"托儿所幼儿园卫生保健管理办法（卫生部、教育部令第76号）；托育机构登记和备案办法（试行）"}]', 1, 1735660800, NULL),
  ('fire', 1, '消防救援机构托育机构消防安全检查表', '[{"code":"F01","text":"取得消防安全检查合格意见或完成消防验收/备案","clause":"中华人民共和国消防法 第十三条、第十五条；托育机构质量评估标准 WS/T 821—2023 4.1.4（待核）"},{"code":"F02","text":"疏散通道、安全出口畅通，未锁闭、堵塞","clause":"中华人民共和国消防法 第二十八条"},{"code":"F03","text":"消防设施、器材配置齐全并定期检验维护","clause":"中华人民共和国消防法 第十六条"},{"code":"F04","text":"应急照明和疏散指示标志完好有效","clause":"建筑设计防火规范 GB 50016；中华人民共和国消防法 第十六条"},{"code":"F05","text":"婴幼儿用房未设置在地下室、半地下室","clause":"建筑设计防火规范 GB 50016（托儿所、幼儿园设置要求）"},{"code":"F06","text":"电气线路、燃气设施符合安全要求，无私拉乱接","clause":"中华人民共和国消防法 第二十七条"},{"code":"F07","text":"定期开展防火检查巡查，有记录","clause":"机关、团体、企业、事业单位消防安全管理规定（公安部令第61号）"},{"code":"F08","text":"工作人员接受消防安全培训，会报警、会扑救初起火灾、会组织疏散","clause":"中华人民共和国消防法 第十六条；托育机构管理规范（试行）"}]', 1, 1735660800, NULL),
  ('police', 1, '公安机关托育机构安全防范检查表', '[{"code":"P01","text":"配备专职保安员，持保安员证","clause":"保安服务管理条例；托育机构设置标准（试行）"},{"code":"P02","text":"出入口管理：来访登记、接送婴幼儿身份核验","clause":"托育机构管理规范（试行）（条款号待核）"},{"code":"P03","text":"视频监控覆盖婴幼儿活动区域，录像保存不少于90日","clause":"托育机构管理规范（试行）；托育机构质量评估标准 WS/T 821—2023 9.4.3（待核）"},{"code":"P04","text":"一键报警装置与公安机关联网，运行正常","clause":"托育机构质量评估标准 WS/T 821—2023 9.4.3（待核）"},{"code":"P05","text":"配备必要的防护器械（防护棍、钢叉、防刺服等）","clause":"企业事业单位内部治安保卫条例"},{"code":"P06","text":"周界防护：围墙、门禁、防冲撞设施完好","clause":"企业事业单位内部治安保卫条例"},{"code":"P07","text":"工作人员无虐待、伤害婴幼儿等违法犯罪记录，入职前核查","clause":"托育机构质量评估标准 WS/T 821—2023 5.1.6（待核）"}]', 1, 1735660800, NULL),
  ('market', 1, '市场监管部门托育机构食品安全与收费检查表', '[{"code":"M01","text":"提供餐食的依法取得食品经营许可（或备案）","clause":"中华人民共和国食品安全法 第三十五条"},{"code":"M02","text":"从业人员持有效健康证明","clause":"中华人民共和国食品安全法 第四十五条"},{"code":"M03","text":"食品原料进货查验和记录","clause":"中华人民共和国食品安全法 第五十条、第五十三条"},{"code":"M04","text":"餐具饮具清洗消毒","clause":"中华人民共和国食品安全法 第三十三条"},{"code":"M05","text":"食品留样：每餐次每品种不少于125克，保存48小时以上","clause":"餐饮服务食品安全操作规范"},{"code":"M06","text":"不采购、使用超过保质期或不符合标准的食品","clause":"中华人民共和国食品安全法 第三十四条"},{"code":"M07","text":"收费项目和标准公示，明码标价","clause":"明码标价和禁止价格欺诈规定；托育机构质量评估标准 WS/T 821—2023 10.4（待核）"},{"code":"M08","text":"不收取公示以外的费用，预收费符合规定","clause":"中华人民共和国价格法 第十三条、第十四条"}]', 1, 1735660800, NULL),
  ('emergency', 1, '应急管理部门托育机构应急管理检查表', '[{"code":"E01","text":"制定突发事件应急预案（火灾、地震、食物中毒、暴力侵害、走失等）","clause":"托育机构管理规范（试行）（条款号待核）；中华人民共和国突发事件应对法"},{"code":"E02","text":"定期组织应急疏散演练，有记录","clause":"托育机构管理规范（试行）（条款号待核）；托育机构质量评估标准 WS/T 821—2023 9.5.2（待核）"},{"code":"E03","text":"应急物资（急救箱、手电、应急广播等）配备齐全","clause":"托育机构婴幼儿伤害预防指南（试行）"},{"code":"E04","text":"明确应急岗位职责和联络方式","clause":"托育机构管理规范（试行）"},{"code":"E05","text":"工作人员掌握婴幼儿急救技能（海姆立克法等）","clause":"托育机构婴幼儿伤害预防指南（试行）"},{"code":"E06","text":"突发事件按规定及时报告","clause":"托育机构管理规范（试行）；中华人民共和国突发事件应对法"}]', 1, 1735660800, NULL),
  ('education', 1, '教育部门幼儿园托班检查表', '[{"code":"D01","text":"托班招收2至3岁幼儿，班额不超过20人","clause":"托育机构设置标准（试行）（托大班）；幼儿园工作规程"},{"code":"D02","text":"托班保育人员与幼儿比例符合要求（不低于1:7）","clause":"托育机构设置标准（试行）"},{"code":"D03","text":"托班教职工具备相应资格或经培训合格","clause":"托育机构设置标准（试行）；幼儿园工作规程"},{"code":"D04","text":"托班一日生活安排科学，以保育为主","clause":"托育机构管理规范（试行）；幼儿园工作规程"},{"code":"D05","text":"托班用房、设施设备适合2至3岁幼儿","clause":"托育机构设置标准（试行）"},{"code":"D06","text":"托班纳入幼儿园卫生保健和安全管理","clause":"托儿所幼儿园卫生保健管理办法（卫生部、教育部令第76号）"}]', 1, 1735660800, NULL),
  ('housing', 1, '住房和城乡建设部门托育机构房屋设施安全检查表', '[{"code":"B01","text":"房屋建筑依法建设，经竣工验收，无安全隐患","clause":"建设工程质量管理条例 第十六条"},{"code":"B02","text":"婴幼儿生活用房设在三层及以下（有条件的设在首层）","clause":"托育机构设置标准（试行）；托儿所、幼儿园建筑设计规范 JGJ 39"},{"code":"B03","text":"改变房屋用途或结构的依法办理手续","clause":"建设工程质量管理条例 第十五条"},{"code":"B04","text":"阳台、窗台、楼梯等防护栏杆高度和间距符合要求","clause":"托儿所、幼儿园建筑设计规范 JGJ 39"},{"code":"B05","text":"墙角、窗台等易碰撞处做圆角或防护处理","clause":"托儿所、幼儿园建筑设计规范 JGJ 39；托育机构婴幼儿伤害预防指南（试行）"},{"code":"B06","text":"装修材料符合室内环境污染控制要求","clause":"民用建筑工程室内环境污染控制标准 GB 50325"},{"code":"B07","text":"场地租赁期不少于3年或为自有产权","clause":"托育机构设置标准（试行）（条款号待核）"}]', 1, 1735660800, NULL);
