-- Duty lists (权责清单, 村（社区）工作事务三张清单) and the certificates
-- committees must not issue.  Dates are civil dates (YYYY-MM-DD, China
-- Standard Time); times are Unix milliseconds.

-- A list in one version.  kind 'power': the power-and-responsibility list
-- of a body (a county department or a town/street) in community governance;
-- kind 'community': the three lists of the communities under owner_code (a
-- community's own, or the default of all communities of a town or county).
-- A published version is in force from effective_from until the next
-- published version of the same list starts; drafts are edited, published
-- versions never change.
CREATE TABLE duty_lists (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('power', 'community')),
	owner_code TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '', -- the department or town a power list is of
	version INTEGER NOT NULL CHECK (version >= 1),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
	effective_from TEXT,           -- set when published
	note TEXT NOT NULL DEFAULT '', -- what changed in this version
	created_at_ms INTEGER NOT NULL,
	created_by INTEGER REFERENCES users(id),
	published_at_ms INTEGER,
	published_by INTEGER REFERENCES users(id),
	UNIQUE (kind, owner_code, body, version)
);
CREATE INDEX duty_lists_owner ON duty_lists(kind, owner_code, status, effective_from);

-- The items of a list version.  section: for a power list the type of power
-- (行政许可 licensing, 行政处罚 penalty, 行政检查 inspection, 公共服务 public
-- service, 其他 other: 'licensing', 'penalty', 'inspection', 'service',
-- 'other'); for community lists 'by_law' (依法履职), 'assisted' (协助政府)
-- or 'negative' (负面清单).  keywords: words separated by '|' that, found in
-- a work-access request's title or description, match the item (used for
-- the negative list).
CREATE TABLE duty_items (
	id INTEGER PRIMARY KEY,
	list_id INTEGER NOT NULL REFERENCES duty_lists(id),
	section TEXT NOT NULL CHECK (section IN ('licensing', 'penalty', 'inspection',
		'service', 'other', 'by_law', 'assisted', 'negative')),
	seq INTEGER NOT NULL,
	title TEXT NOT NULL,
	title_en TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	responsible TEXT NOT NULL DEFAULT '',
	cooperating TEXT NOT NULL DEFAULT '',
	community_role TEXT NOT NULL DEFAULT '',
	keywords TEXT NOT NULL DEFAULT '',
	UNIQUE (list_id, section, seq)
);
CREATE INDEX duty_items_list ON duty_items(list_id, section, seq);

-- Certificates committees must not issue (the 2020 national list, extended
-- locally under scope_code; '' is national), with where the resident goes
-- instead.  keywords as above, matched against the certificate asked for.
CREATE TABLE banned_certificates (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	keywords TEXT NOT NULL,
	go_to TEXT NOT NULL,
	go_to_en TEXT NOT NULL,
	basis TEXT NOT NULL DEFAULT '',
	scope_code TEXT NOT NULL DEFAULT '',
	added_at_ms INTEGER NOT NULL DEFAULT 0,
	added_by INTEGER REFERENCES users(id),
	-- a local entry withdrawn: no longer matched, kept for the refusals
	-- recorded under it
	removed_at_ms INTEGER
);

-- Certificates asked for at a community's desk: issued from a template with
-- a register number, or refused because the certificate is on the banned
-- list (refused_by names the entry).  code is the community's.
CREATE TABLE certificates (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL,
	resident_id INTEGER REFERENCES residents(id),
	title TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('issued', 'refused')),
	register_no TEXT UNIQUE,           -- issued ones only
	refused_by INTEGER REFERENCES banned_certificates(id),
	body TEXT NOT NULL DEFAULT '',     -- the text issued
	by_user INTEGER REFERENCES users(id),
	at_ms INTEGER NOT NULL,
	template_id INTEGER REFERENCES certificate_templates(id), -- issued ones only
	purpose TEXT NOT NULL DEFAULT ''   -- what the resident needs it for
);
CREATE INDEX certificates_code ON certificates(code, at_ms);

-- Certificates a committee may still issue, as text with placeholders
-- ({community}, {name}, {content}, {purpose}, {date}, {register_no}) that
-- the desk fills in.  scope_code as for banned certificates.
CREATE TABLE certificate_templates (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	body TEXT NOT NULL,
	guidance TEXT NOT NULL DEFAULT '',    -- when it may be issued, what to check
	guidance_en TEXT NOT NULL DEFAULT '',
	scope_code TEXT NOT NULL DEFAULT ''
);

-- The last register number given by a community in a year.  Issuing
-- increments it inside the transaction that inserts the certificate, so
-- numbers have no gaps and no duplicates however many desks issue at once.
CREATE TABLE certificate_counters (
	code TEXT NOT NULL,
	year INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (code, year)
) WITHOUT ROWID;

-- ---- seeds ----
-- The national default of the three lists of every community, owner '',
-- in force from 2024-01-01: modelled on the provincial lists of village
-- (community) work (村（社区）工作事务“三张清单”) published in 2023–2024.
-- A county, a town or a community publishes its own version to replace it.
INSERT INTO duty_lists (id, kind, owner_code, body, version, status, effective_from, note,
	created_at_ms, published_at_ms)
VALUES (1, 'community', '', '', 1, 'published', '2024-01-01',
	'全国默认版本，依据各省村（社区）工作事务“三张清单”整理', 1704038400000, 1704038400000);

INSERT INTO duty_items (list_id, section, seq, title, title_en, legal_basis, responsible,
	cooperating, community_role, keywords) VALUES
(1, 'by_law', 1, '召开村（居）民会议、村（居）民代表会议，讨论决定涉及村（居）民利益的重要事项', 'Convene the villagers'' or residents'' assembly and representative meetings to decide matters of common interest', '《中华人民共和国村民委员会组织法》第二十一条至第二十六条；《中华人民共和国城市居民委员会组织法》第十条', '村（居）民委员会', '乡镇人民政府（街道办事处）', '组织实施', ''),
(1, 'by_law', 2, '组织村（居）民委员会换届选举和成员补选', 'Organise the election of the committee and by-elections', '《中华人民共和国村民委员会组织法》第十一条至第二十条；《中华人民共和国城市居民委员会组织法》第八条', '村（居）民选举委员会', '乡镇人民政府（街道办事处）、县民政局', '组织实施', ''),
(1, 'by_law', 3, '制定和修订村规民约、居民公约', 'Draw up and revise the village rules or residents'' covenant', '《中华人民共和国村民委员会组织法》第二十七条；《中华人民共和国城市居民委员会组织法》第十五条', '村（居）民委员会', '乡镇人民政府（街道办事处）', '组织实施', ''),
(1, 'by_law', 4, '实行村（居）务公开，接受村（居）民监督', 'Publish village or community affairs and accept residents'' supervision', '《中华人民共和国村民委员会组织法》第三十条', '村（居）民委员会', '村（居）务监督委员会', '组织实施', ''),
(1, 'by_law', 5, '建立村（居）务监督委员会，组织民主评议村（居）民委员会成员', 'Set up the affairs supervision committee and hold democratic appraisal of committee members', '《中华人民共和国村民委员会组织法》第三十二条、第三十三条', '村（居）民会议、村（居）民代表会议', '乡镇人民政府（街道办事处）', '组织实施', ''),
(1, 'by_law', 6, '依法管理本村属于农民集体所有的土地和其他财产', 'Manage land and other property collectively owned by the village', '《中华人民共和国村民委员会组织法》第八条；《中华人民共和国土地管理法》第十一条', '村民委员会（村集体经济组织）', '乡镇人民政府、县农业农村局', '组织实施', ''),
(1, 'by_law', 7, '办理本村（居）公共事务和公益事业', 'Run the public affairs and public-welfare undertakings of the village or community', '《中华人民共和国村民委员会组织法》第二条；《中华人民共和国城市居民委员会组织法》第三条', '村（居）民委员会', '', '组织实施', ''),
(1, 'by_law', 8, '设立人民调解委员会，调解民间纠纷', 'Maintain a people''s mediation committee and mediate civil disputes', '《中华人民共和国人民调解法》第七条、第八条', '村（居）人民调解委员会', '乡镇司法所', '组织实施', ''),
(1, 'by_law', 9, '设立治安保卫委员会，开展群防群治，协助维护社会治安', 'Keep a public-security committee and organise residents'' joint prevention', '《中华人民共和国城市居民委员会组织法》第三条、第十三条；《中华人民共和国村民委员会组织法》第七条', '村（居）民委员会', '公安派出所', '组织实施', ''),
(1, 'by_law', 10, '宣传宪法、法律、法规和国家政策，开展法治宣传教育', 'Promote the Constitution, laws and state policies', '《中华人民共和国村民委员会组织法》第九条；《中华人民共和国城市居民委员会组织法》第三条', '村（居）民委员会', '乡镇司法所', '组织实施', ''),
(1, 'by_law', 11, '开展精神文明建设，推动移风易俗，培育文明乡风', 'Promote civic virtue and reform outdated customs', '《中华人民共和国村民委员会组织法》第九条', '村（居）民委员会', '乡镇人民政府（街道办事处）', '组织实施', ''),
(1, 'by_law', 12, '开展便民利民的社区服务活动', 'Provide convenience services to residents', '《中华人民共和国城市居民委员会组织法》第四条', '村（居）民委员会', '', '组织实施', ''),
(1, 'by_law', 13, '设立公共卫生委员会，组织开展爱国卫生运动和环境卫生整治', 'Keep a public-health committee and organise patriotic health campaigns', '《中华人民共和国城市居民委员会组织法》第十三条；《中华人民共和国基本医疗卫生与健康促进法》第七十二条', '村（居）民委员会', '乡镇卫生院（社区卫生服务中心）', '组织实施', ''),
(1, 'by_law', 14, '设立村（居）民小组，推选村（居）民小组长', 'Set up resident groups and elect their leaders', '《中华人民共和国村民委员会组织法》第三条、第二十八条；《中华人民共和国城市居民委员会组织法》第十四条', '村（居）民委员会', '', '组织实施', ''),
(1, 'by_law', 15, '支持和组织村民依法发展集体经济和合作经济', 'Support the collective and co-operative economy of the village', '《中华人民共和国村民委员会组织法》第八条', '村民委员会（村集体经济组织）', '县农业农村局', '组织实施', ''),
(1, 'by_law', 16, '实行村级财务民主管理，定期公布财务收支', 'Manage village finances democratically and publish accounts regularly', '《中华人民共和国村民委员会组织法》第三十条、第三十一条', '村民委员会', '乡镇农村经营管理站', '组织实施', ''),
(1, 'by_law', 17, '向人民政府反映村（居）民的意见、要求和提出建议', 'Convey residents'' opinions and requests to the government', '《中华人民共和国城市居民委员会组织法》第三条；《中华人民共和国村民委员会组织法》第二条', '村（居）民委员会', '', '组织实施', ''),
(1, 'by_law', 18, '组织开展城乡社区协商', 'Hold community consultations on public matters', '中共中央办公厅、国务院办公厅《关于加强城乡社区协商的意见》', '村（居）民委员会', '乡镇人民政府（街道办事处）', '组织实施', ''),
(1, 'by_law', 19, '组织开展志愿服务活动，建立志愿服务队伍', 'Organise volunteer services and volunteer teams', '《志愿服务条例》第四条', '村（居）民委员会', '县民政局、团县委', '组织实施', ''),
(1, 'by_law', 20, '关心和帮扶老年人、残疾人、未成年人和困难群众', 'Care for older people, people with disabilities, minors and families in hardship', '《中华人民共和国老年人权益保障法》；《中华人民共和国未成年人保护法》第四十三条', '村（居）民委员会', '县民政局、县残联、妇联', '组织实施', ''),
(1, 'by_law', 21, '管理村（居）档案', 'Keep the village or community archives', '《村级档案管理办法》', '村（居）民委员会', '县档案馆', '组织实施', ''),
(1, 'by_law', 22, '教育和引导村（居）民爱护公共财产，维护公共秩序', 'Educate residents to protect public property and order', '《中华人民共和国城市居民委员会组织法》第三条；《中华人民共和国村民委员会组织法》第九条', '村（居）民委员会', '', '组织实施', ''),
(1, 'by_law', 23, '做好本村（居）突发事件的先期处置和信息报告', 'Take first measures in emergencies and report them', '《中华人民共和国突发事件应对法》', '村（居）民委员会', '乡镇人民政府（街道办事处）、县应急管理局', '组织实施', ''),
(1, 'assisted', 1, '最低生活保障、特困人员救助供养申请的受理转交和入户调查', 'Pass on applications for subsistence allowance and extreme-hardship support and help with home visits', '《社会救助暂行办法》第十一条', '县民政局', '乡镇人民政府（街道办事处）', '协助受理、入户调查、民主评议、张榜公示', ''),
(1, 'assisted', 2, '临时救助对象的发现报告和申请转交', 'Find and report people needing temporary assistance', '《社会救助暂行办法》第四十八条', '县民政局', '乡镇人民政府（街道办事处）', '主动发现、及时报告', ''),
(1, 'assisted', 3, '高龄津贴、困难老年人养老服务补贴的政策宣传和信息核对', 'Inform about old-age allowances and check recipients'' information', '《中华人民共和国老年人权益保障法》', '县民政局', '乡镇人民政府（街道办事处）', '政策宣传、信息核对', ''),
(1, 'assisted', 4, '困难残疾人生活补贴和重度残疾人护理补贴的申请转交', 'Pass on applications for disability allowances', '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》', '县民政局、县残联', '乡镇人民政府（街道办事处）', '政策宣传、申请转交', ''),
(1, 'assisted', 5, '农村留守儿童、困境儿童和留守老年人的巡访关爱', 'Visit left-behind children, children in difficulty and left-behind elders', '《国务院关于加强农村留守儿童关爱保护工作的意见》', '县民政局', '乡镇人民政府、妇联', '定期走访、信息报告', ''),
(1, 'assisted', 6, '退役军人和其他优抚对象的信息采集、走访慰问', 'Keep in touch with veterans and other entitled groups', '《中华人民共和国退役军人保障法》', '县退役军人事务局', '乡镇退役军人服务站', '信息采集、走访慰问', ''),
(1, 'assisted', 7, '兵役登记和征兵宣传', 'Military service registration and recruitment publicity', '《中华人民共和国兵役法》', '县人民武装部', '乡镇人民政府（街道办事处）', '宣传发动、通知登记', ''),
(1, 'assisted', 8, '人口普查、经济普查、农业普查等统计调查', 'Censuses and statistical surveys', '《中华人民共和国统计法》第七条', '县统计局', '乡镇人民政府（街道办事处）', '入户登记、摸底', ''),
(1, 'assisted', 9, '流动人口居住登记和出租房屋信息报告', 'Register residence of the floating population and report rented houses', '《居住证暂行条例》', '公安派出所', '乡镇人民政府（街道办事处）', '信息采集、报告', ''),
(1, 'assisted', 10, '社区矫正对象的日常走访和帮教', 'Help supervise and support people under community correction', '《中华人民共和国社区矫正法》第十二条', '县司法局（乡镇司法所）', '公安派出所', '协助监督、帮扶教育', ''),
(1, 'assisted', 11, '刑满释放人员安置帮教', 'Help resettle people released from prison', '《中华人民共和国监狱法》', '县司法局（乡镇司法所）', '公安派出所', '帮教、信息报告', ''),
(1, 'assisted', 12, '严重精神障碍患者的关爱帮扶和信息报告', 'Care and information on people with severe mental disorders', '《中华人民共和国精神卫生法》第九条', '县卫生健康局', '公安派出所、县民政局、乡镇卫生院', '关爱帮扶、信息报告', ''),
(1, 'assisted', 13, '禁毒宣传和社区戒毒、社区康复工作', 'Anti-drug publicity and community drug rehabilitation', '《中华人民共和国禁毒法》第三十四条', '公安派出所、县禁毒委', '乡镇司法所', '宣传、协助帮教', ''),
(1, 'assisted', 14, '防范电信网络诈骗宣传', 'Publicity against telecom and online fraud', '《中华人民共和国反电信网络诈骗法》', '公安派出所', '', '宣传提醒', ''),
(1, 'assisted', 15, '基本公共卫生服务和家庭医生签约服务的宣传组织', 'Help organise basic public health and family doctor services', '《中华人民共和国基本医疗卫生与健康促进法》', '县卫生健康局', '乡镇卫生院（社区卫生服务中心）', '宣传发动、组织', ''),
(1, 'assisted', 16, '传染病防控和突发公共卫生事件应对', 'Infectious disease control and public-health emergencies', '《中华人民共和国传染病防治法》第九条', '县卫生健康局、县疾控中心', '乡镇卫生院', '宣传、排查、报告', ''),
(1, 'assisted', 17, '生育登记服务和计划生育特殊家庭关怀', 'Birth registration service and care of special family-planning families', '《中华人民共和国人口与计划生育法》', '县卫生健康局', '乡镇人民政府（街道办事处）', '宣传、信息采集、走访', ''),
(1, 'assisted', 18, '城乡居民基本医疗保险参保动员', 'Encourage enrolment in residents'' basic medical insurance', '《中华人民共和国社会保险法》第二十五条', '县医疗保障局', '乡镇人民政府（街道办事处）', '宣传动员', ''),
(1, 'assisted', 19, '城乡居民基本养老保险参保缴费动员和待遇领取资格认证协助', 'Encourage enrolment in residents'' basic pension and help recipients with eligibility checks', '《国务院关于建立统一的城乡居民基本养老保险制度的意见》', '县人力资源和社会保障局', '乡镇人民政府（街道办事处）', '宣传动员、协助认证', ''),
(1, 'assisted', 20, '就业援助和就业创业政策宣传、岗位信息发布', 'Employment assistance and job information', '《中华人民共和国就业促进法》第五十二条', '县人力资源和社会保障局', '乡镇人力社保服务站', '宣传、信息发布、摸底', ''),
(1, 'assisted', 21, '义务教育适龄儿童少年控辍保学', 'Help keep school-age children in compulsory education', '《中华人民共和国义务教育法》第十三条', '县教育局', '乡镇人民政府（街道办事处）', '摸排、劝返', ''),
(1, 'assisted', 22, '防汛防台、地质灾害隐患巡查和人员转移', 'Flood, typhoon and geological hazard patrols and evacuation', '《中华人民共和国防洪法》；《地质灾害防治条例》', '县应急管理局、县自然资源和规划局', '乡镇人民政府（街道办事处）', '巡查、报告、协助转移', ''),
(1, 'assisted', 23, '森林防火宣传和野外用火巡查', 'Forest fire prevention publicity and patrols', '《森林防火条例》', '县林业部门', '乡镇人民政府', '宣传、巡查、报告', ''),
(1, 'assisted', 24, '消防安全宣传和火灾隐患报告', 'Fire safety publicity and reporting of hazards', '《中华人民共和国消防法》第三十二条', '县消防救援大队', '公安派出所', '宣传、发现报告', ''),
(1, 'assisted', 25, '安全生产隐患的发现和报告', 'Find and report work-safety hazards', '《中华人民共和国安全生产法》', '县应急管理局', '乡镇人民政府（街道办事处）', '发现报告', ''),
(1, 'assisted', 26, '农村宅基地和村民建房申请的审查、公示', 'Review and publicise applications for homesteads and house building', '《中华人民共和国土地管理法》第六十二条', '乡镇人民政府、县农业农村局', '县自然资源和规划局', '审查、公示、报送', ''),
(1, 'assisted', 27, '违法用地、违法建设行为的发现和报告', 'Find and report illegal land use and illegal construction', '《中华人民共和国土地管理法》；《中华人民共和国城乡规划法》', '县自然资源和规划局、县综合行政执法局', '乡镇人民政府（街道办事处）', '发现报告，不承担执法', ''),
(1, 'assisted', 28, '农村危房排查和住房安全信息报告', 'Survey dilapidated rural houses and report housing safety', '《农村危房改造基本安全技术导则》', '县住房和城乡建设局', '乡镇人民政府', '排查、报告', ''),
(1, 'assisted', 29, '生活垃圾分类宣传和指导', 'Publicity and guidance on waste sorting', '《中华人民共和国固体废物污染环境防治法》', '县综合行政执法局、县住房和城乡建设局', '乡镇人民政府（街道办事处）', '宣传、指导', ''),
(1, 'assisted', 30, '秸秆禁烧和农村人居环境整治', 'Straw-burning ban and rural living environment improvement', '《中华人民共和国大气污染防治法》第七十七条', '县生态环境局、县农业农村局', '乡镇人民政府', '宣传、巡查', ''),
(1, 'assisted', 31, '耕地保护和撂荒地排查', 'Protect farmland and survey abandoned land', '《中华人民共和国土地管理法》', '县农业农村局、县自然资源和规划局', '乡镇人民政府', '巡查、报告', ''),
(1, 'assisted', 32, '动物防疫和病死畜禽报告', 'Animal disease prevention and reporting of dead livestock', '《中华人民共和国动物防疫法》', '县农业农村局', '乡镇畜牧兽医站', '宣传、报告', ''),
(1, 'assisted', 33, '食品安全和药品安全宣传', 'Food and drug safety publicity', '《中华人民共和国食品安全法》', '县市场监督管理局', '乡镇市场监管所', '宣传、发现报告', ''),
(1, 'assisted', 34, '公共文化和全民健身活动的组织', 'Organise public cultural and fitness activities', '《中华人民共和国公共文化服务保障法》；《全民健身条例》', '县文化广电旅游局、县体育局', '乡镇综合文化站', '组织开展', ''),
(1, 'assisted', 35, '妇女儿童权益保障和家庭暴力的发现报告', 'Women''s and children''s rights and reporting of domestic violence', '《中华人民共和国反家庭暴力法》第十四条', '县妇联、公安派出所', '县民政局', '发现报告、劝阻', ''),
(1, 'assisted', 36, '法律援助申请的转交和公共法律服务的宣传', 'Pass on legal aid applications and publicise public legal services', '《中华人民共和国法律援助法》', '县司法局', '乡镇司法所', '宣传、转交', ''),
(1, 'assisted', 37, '征地、拆迁中的政策宣传和群众意见收集', 'Publicise land acquisition policies and collect residents'' views', '《中华人民共和国土地管理法》第四十七条', '县人民政府及其指定部门', '乡镇人民政府（街道办事处）', '宣传、收集意见，不作为实施主体', ''),
(1, 'assisted', 38, '群众来访的接待、矛盾纠纷排查和信访事项的转交', 'Receive visitors, screen disputes and pass on petitions', '《信访工作条例》', '县信访局', '乡镇人民政府（街道办事处）', '接待、排查、转交', ''),
(1, 'negative', 1, '不得将安全生产、消防、食品安全、环境保护等监管执法责任转嫁给村（社区）', 'Supervision and law enforcement (work safety, fire, food, environment) may not be passed to communities', '《中华人民共和国行政处罚法》第十七条；各省村（社区）工作事务负面清单', '县级有关部门', '', '不承担', '执法|监管责任|行政处罚|行政检查'),
(1, 'negative', 2, '不得要求村（社区）开展各类创建达标、评比表彰活动', 'No creation, standard-reaching or appraisal campaigns', '中共中央办公厅、国务院办公厅《关于加强村级组织减负的通知》精神；各省负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '创建|达标|评比|示范村|示范社区|星级'),
(1, 'negative', 3, '不得要求村（社区）另行建立工作台账、填报各类报表', 'No separate ledgers or forms to fill in', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '台账|报表|填报|统计表'),
(1, 'negative', 4, '不得要求村（社区）出具不应由其出具的证明', 'No certificates that committees should not issue', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）', '县级有关部门', '', '不承担', '出具证明|开具证明|开证明'),
(1, 'negative', 5, '不得要求村（社区）在政务应用程序、工作群中打卡、晒图留痕', 'No check-ins, photo posting or proof-of-work in apps and chat groups', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '打卡|留痕|晒图|APP|小程序|工作群'),
(1, 'negative', 6, '不得要求村（社区）悬挂机构牌子、制度上墙', 'No plaques of outside bodies or rules on the wall', '中共中央办公厅、国务院办公厅关于村级组织工作事务、机制牌子和证明事项的有关规定；各省负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '挂牌|牌子|上墙|标牌|门牌'),
(1, 'negative', 7, '不得要求村（社区）干部参加与其职责无关的会议、陪会', 'No attending meetings unrelated to community duties', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '陪会|列席会议|参加会议'),
(1, 'negative', 8, '不得以签订责任状的方式将工作责任转嫁给村（社区）', 'No shifting responsibility through pledge documents', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '责任状|责任书|承诺书'),
(1, 'negative', 9, '不得要求村（社区）承担招商引资、协税护税任务', 'No investment-attraction or tax-collection targets', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '招商引资|协税护税|税收任务'),
(1, 'negative', 10, '不得要求村（社区）作为征地拆迁的实施主体', 'Communities are not the implementing body of land acquisition and demolition', '《中华人民共和国土地管理法》第四十七条；《国有土地上房屋征收与补偿条例》第四条', '县人民政府及其指定部门', '', '不承担', '征地实施|拆迁任务|签约任务|腾退'),
(1, 'negative', 11, '不得要求村（社区）拆除违法建筑、开展城市管理执法', 'No demolition of illegal buildings or urban management enforcement', '《中华人民共和国城乡规划法》第六十八条', '县综合行政执法局', '', '不承担', '拆违|违章建筑拆除|城管执法'),
(1, 'negative', 12, '不得要求村（社区）组织居民参加商业性、营利性活动', 'No commercial or for-profit activities', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '商业推广|营利|推销|促销'),
(1, 'negative', 13, '不得向村（社区）摊派订阅报刊、捐款捐物', 'No compulsory subscriptions or donations', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '订阅|报刊|摊派|捐款'),
(1, 'negative', 14, '不得要求村（社区）承担应由物业服务企业或专业单位承担的工作', 'No work of property companies or specialised units', '《物业管理条例》', '县住房和城乡建设局', '', '不承担', '物业服务|保洁外包|专业单位'),
(1, 'negative', 15, '不得对村（社区）开展频繁督查检查考核和排名通报', 'No frequent inspections, appraisals or rankings', '中共中央办公厅《关于统筹规范督查检查考核工作的通知》', '县级有关部门、乡镇（街道）', '', '不承担', '督查|检查考核|考核排名|通报排名'),
(1, 'negative', 16, '不得要求村（社区）重复采集、重复录入信息', 'No repeated collection or entry of the same information', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '重复录入|重复采集|重新采集'),
(1, 'negative', 17, '不得将应由部门办理的行政审批、证照核发事项交由村（社区）办理', 'No administrative licensing or issuing of permits', '《中华人民共和国行政许可法》第二十三条', '县级有关部门', '', '不承担', '审批|核发|证照|许可'),
(1, 'negative', 18, '不得抽调、借用村（社区）工作人员', 'No seconding or borrowing community staff', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '抽调|借用|借调'),
(1, 'negative', 19, '不得要求村（社区）设立专门办公室、配备专职人员', 'No dedicated offices or staff for an outside body''s work', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '专门办公室|专职人员|专人负责|专班'),
(1, 'negative', 20, '不得要求村（社区）开展问卷调查、满意度测评的指标任务', 'No quotas of questionnaires or satisfaction surveys', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '问卷|满意度测评|刷票|投票任务'),
(1, 'negative', 21, '不得将村（社区）纳入与其职责无关的各类工作领导小组', 'No membership of unrelated leading groups', '各省村（社区）工作事务负面清单', '县级有关部门、乡镇（街道）', '', '不承担', '领导小组|成员单位');

-- The 2020 list of certificates village and neighbourhood committees should
-- not issue (民政部等六部门), with where the resident goes instead.
INSERT INTO banned_certificates (name, name_en, keywords, go_to, go_to_en, basis) VALUES
('亲属关系证明', 'Proof of kinship', '亲属关系|亲属证明|直系亲属|关系证明', '户口簿能证明的，由公安派出所户籍窗口出具户籍证明；其他情形可向公证机构申请亲属关系公证', 'Where the household register shows it, the police station''s household registration window; otherwise a notary (kinship notarisation)', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('健在证明（生存证明）', 'Proof of being alive', '健在|生存证明|在世|活着', '养老金等待遇发放机构通过数据比对、视频或上门核验自行认证；在境外的可向公证机构申请生存公证', 'The pension or benefit agency checks it itself (data matching, video or a visit); abroad, a notary', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('死亡证明', 'Proof of death', '死亡|去世|亡故', '正常死亡由医疗卫生机构出具《居民死亡医学证明（推断）书》；非正常死亡由公安机关出具', 'Natural death: the medical institution (medical certificate of death); unnatural death: the police', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('出生证明', 'Proof of birth', '出生证明|出生医学|出生时间', '助产医疗机构出具《出生医学证明》；户籍登记由公安派出所办理', 'The hospital where the child was born (medical birth certificate); household registration at the police station', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('婚姻状况证明', 'Proof of marital status', '婚姻|未婚|离婚|丧偶|单身|再婚', '婚姻登记机关（县民政局婚姻登记处）查询婚姻登记档案，或由本人书面声明', 'The marriage registration office (county civil affairs bureau) searches its records, or the person''s own written declaration', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('无犯罪记录证明', 'Proof of no criminal record', '犯罪|违法记录|无违法|品行', '公安机关（户籍地或居住地公安派出所）出具无犯罪记录证明', 'The police (station of household registration or residence)', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('经营场所（住所）证明', 'Proof of business premises', '经营场所|住所证明|营业场所|注册地址|经营地址', '市场监管部门办理登记时实行住所（经营场所）申报承诺，无需证明', 'Market regulation''s business registration accepts the applicant''s own declaration of premises', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('证件遗失证明', 'Proof of lost documents', '遗失|丢失|补办|挂失', '向原发证机关申请挂失补办', 'The authority that issued the document handles its loss and replacement', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('残疾证明', 'Proof of disability', '残疾|伤残|失能', '县残疾人联合会经指定医疗机构评定后核发残疾人证', 'The county disabled persons'' federation (disability card after assessment by a designated hospital)', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('疾病证明', 'Proof of illness', '疾病|患病|病情|生病|健康状况|身体状况', '医疗卫生机构出具诊断证明', 'A hospital or clinic (medical diagnosis)', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('财产证明', 'Proof of property', '财产|存款|资产|房产|不动产|宅基地|产权', '不动产登记机构查询不动产登记信息；银行等金融机构出具存款证明', 'The real-estate registry (property records); the bank (deposits)', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('就业失业证明', 'Proof of employment or unemployment', '就业|失业|待业|无业|工作证明|在职', '人力资源和社会保障部门（公共就业服务机构）办理就业失业登记', 'Human resources and social security (public employment service): employment and unemployment registration', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('收入证明', 'Proof of income', '收入|工资|经济状况|贫困', '在职人员由工作单位出具；申请社会救助的，由民政部门开展家庭经济状况核对', 'Employees: their employer; applicants for social assistance: civil affairs checks household finances itself', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('户籍信息证明（曾用名、同一人、民族成分、出生日期）', 'Proof of household-register details (former name, same person, ethnicity, date of birth)', '曾用名|同一人|民族成分|户籍证明|户口证明|出生日期', '公安派出所户籍窗口依据户籍档案出具', 'The police station''s household registration window, from the register', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('社会保险参保缴费证明', 'Proof of social insurance contributions', '参保|社保|养老保险|医疗保险|缴费', '社会保险经办机构、医疗保障经办机构打印参保缴费凭证', 'The social insurance or medical insurance agency prints the contribution record', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('学历、学籍证明', 'Proof of education', '学历|学籍|毕业|在读', '学校或教育行政部门出具', 'The school or the education bureau', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('生育情况证明', 'Proof of births in the family', '生育|计划生育|独生子女|超生', '卫生健康部门办理生育登记，查询生育服务信息', 'The health commission (birth registration records)', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('抚养、赡养、扶养关系证明', 'Proof of maintenance or support relationships', '抚养|赡养|扶养|监护关系', '公证机构出具公证书；有争议的由人民法院裁判', 'A notary; disputes are decided by the court', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('出国（境）用途证明', 'Certificates for going abroad', '出国|出境|签证|护照', '出入境管理部门或公证机构按规定办理', 'The exit-entry administration or a notary', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）'),
('纳税、完税证明', 'Proof of taxes paid', '纳税|完税|税务', '税务部门出具完税证明', 'The tax bureau', '民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（2020年）');

-- Certificates a committee may still issue: statements of what it knows
-- first-hand from its own work, never a fact another authority keeps.
INSERT INTO certificate_templates (code, name, name_en, body, guidance, guidance_en) VALUES
('residence_statement', '居住情况说明', 'Statement of residence',
 '居住情况说明' || char(10) || char(10) || '兹有{name}，居住在本{community}辖区。经本委员会入户走访核实：{content}' || char(10) || char(10) || '本说明仅用于{purpose}，其他用途无效。' || char(10) || char(10) || '{community}' || char(10) || '{date}' || char(10) || '登记编号：{register_no}',
 '仅在当地入学等政策明确要求社区出具居住情况说明时使用；写明入户走访核实的实际居住情况，不证明户籍、房产或租赁关系。',
 'Only where local policy (e.g. school enrolment) asks the community for it; states the actual residence found on a home visit, never household registration, ownership or tenancy.'),
('household_statement', '家庭成员情况说明', 'Statement of household members',
 '家庭成员情况说明' || char(10) || char(10) || '兹有{name}，系本{community}居民。经本委员会入户走访了解，其家庭共同生活成员情况如下：{content}' || char(10) || char(10) || '本说明仅用于{purpose}，其他用途无效。' || char(10) || char(10) || '{community}' || char(10) || '{date}' || char(10) || '登记编号：{register_no}',
 '用于社会救助等困难申请时说明入户走访了解的共同生活情况；不证明亲属关系、收入或财产，这些由民政部门核对。',
 'For hardship applications: describes who lives together as seen on a home visit; it proves no kinship, income or property, which civil affairs checks.'),
('volunteer_hours', '志愿服务情况说明', 'Statement of volunteer service',
 '志愿服务情况说明' || char(10) || char(10) || '兹有{name}，参加本{community}组织的志愿服务活动：{content}' || char(10) || char(10) || '本说明仅用于{purpose}。' || char(10) || char(10) || '{community}' || char(10) || '{date}' || char(10) || '登记编号：{register_no}',
 '只说明本委员会自己组织、有签到记录的志愿服务。',
 'Only volunteer service the committee itself organised and recorded.');
