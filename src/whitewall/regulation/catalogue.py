"""The clause catalogue: our own bilingual wording of every clause of the regulation.

Ids, titles, features and checks follow ``spec/clauses.md``; the text of each clause is a
paraphrase of what it asks, written for this project (never the source's sentences). The
catalogue is synced into the database after every migrate (``services.clause_sync``), so a
changed wording here reaches existing installations.
"""

from __future__ import annotations

from dataclasses import dataclass

# number: (title_zh, title_en)
CHAPTERS: dict[int, tuple[str, str]] = {
    1: ("总则", "General provisions"),
    2: ("运营流程规范", "Operations process"),
    3: ("人员管理规范", "Personnel management"),
    4: ("安全管理规范", "Security management"),
    5: ("财务管理规范", "Finance management"),
    6: ("保密管理规范", "Confidentiality management"),
}

# section code: (title_zh, title_en)
SECTIONS: dict[str, tuple[str, str]] = {
    "1.1": ("目的", "Purpose"),
    "1.2": ("适用范围", "Scope"),
    "1.3": ("基本原则", "Principles"),
    "2.1": ("项目启动", "Project start-up"),
    "2.2": ("系统搭建与部署", "Building and deploying the system"),
    "2.3": ("日常运营", "Daily operations"),
    "2.4": ("项目收尾", "Closing a project"),
    "3.1": ("招聘与培训", "Hiring and training"),
    "3.2": ("绩效考核与激励", "Appraisal and incentives"),
    "3.3": ("职业发展", "Career development"),
    "4.1": ("网络安全", "Network security"),
    "4.2": ("系统安全", "System security"),
    "4.3": ("数据安全", "Data security"),
    "4.4": ("应急管理", "Emergency management"),
    "5.1": ("预算管理", "Budget management"),
    "5.2": ("费用报销", "Expense reimbursement"),
    "5.3": ("成本控制", "Cost control"),
    "6.1": ("保密范围", "What is confidential"),
    "6.2": ("保密措施", "Confidentiality measures"),
    "6.3": ("保密监督", "Confidentiality supervision"),
}


@dataclass(frozen=True)
class ClauseText:
    code: str
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    features_zh: str
    features_en: str
    check_zh: str
    check_en: str

    @property
    def chapter(self) -> int:
        return int(self.code.split(".")[0])

    @property
    def section(self) -> str:
        return ".".join(self.code.split(".")[:2])

    @property
    def sort_key(self) -> str:
        return ".".join(f"{int(part):03d}" for part in self.code.split("."))


C = ClauseText

CLAUSES: list[ClauseText] = [
    # --- 1 General ---------------------------------------------------------------------------
    C(
        "1.1",
        "目的",
        "Purpose",
        "白墙的运营按一套成文的规矩进行：工作有序、效率可期，公司与客户的正当利益受到保护，业务得以长期稳定发展。",
        "Whitewall is run by a written set of rules, so that the work is orderly and efficient, the "
        "legitimate interests of the company and its customers are protected, and the business can grow "
        "steadily.",
        "规章制度本身在系统中可查阅，分版本管理，每个版本注明生效日期。",
        "The regulation itself can be read in the system; it is kept in versions, each with its effective date.",
        "存在一个已发布且已生效的规章制度版本。",
        "A published regulation version is in effect.",
    ),
    C(
        "1.2",
        "适用范围",
        "Scope",
        "凡参与白墙运营的部门和人员都受本制度约束，运营、技术支持、市场推广等团队均在其列。",
        "Every department and every person taking part in running Whitewall is bound by these rules — "
        "the operations, technical support and marketing teams among them.",
        "组织架构中登记各部门（运营、技术支持、市场推广、人事、财务、安全、管理层）和每一位员工；每位员工归属一个部门并被授予角色。",
        "The organisation directory lists the departments (operations, technical support, marketing, HR, "
        "finance, security, management) and every staff member; each staff member belongs to a department "
        "and holds a role.",
        "在职员工全部有部门和角色。",
        "Every active staff member has a department and a role.",
    ),
    C(
        "1.3.1",
        "合法性",
        "Legality",
        "运营活动遵守国家法律法规和行业标准，不做违法违规的事。",
        "Operations keep to the law, regulations and the standards of the industry.",
        "内容与流程带有合规把关：内容审核和敏感词筛查。",
        "Content and processes pass compliance gates: content review and sensitive-word screening.",
        "由 2.3.2 的检查覆盖。",
        "Covered by the checks of 2.3.2.",
    ),
    C(
        "1.3.2",
        "规范性",
        "Standardisation",
        "每项运营工作都有明确的流程、标准和要求，人人按章办事。",
        "Each kind of operations work has a defined procedure, standard and set of requirements, and "
        "everyone works by them.",
        "每个流程都是带状态的既定工作流；员工对现行规章制度版本进行阅知确认。",
        "Every process is a defined workflow with states; staff acknowledge the regulation version in force.",
        "在职员工中已对现行版本进行阅知确认的比例。",
        "Share of active staff who have acknowledged the version in force.",
    ),
    C(
        "1.3.3",
        "高效性",
        "Efficiency",
        "不断改进流程、提高效率、降低成本，把资源用在该用的地方。",
        "Processes are streamlined to work faster and cost less, and resources go where they are needed.",
        "按工作流统计周期时长（审批周转、工单解决时长）。",
        "Cycle times are measured per workflow (approval turnaround, ticket resolution).",
        "审批周转时长的中位数在制度参数规定的目标之内。",
        "Median approval turnaround within the policy's target.",
    ),
    C(
        "1.3.4",
        "安全性",
        "Security",
        "保护白墙系统和数据的安全，防止泄密、故障等安全事故。",
        "The Whitewall systems and their data are kept safe; leaks, outages and other security incidents "
        "are prevented.",
        "由第四章和第六章的功能实现。",
        "Carried out by the features of chapters 4 and 6.",
        "汇总第四章各项检查的结果。",
        "Roll-up of the chapter 4 checks.",
    ),
    C(
        "1.3.5",
        "客户导向",
        "Customer orientation",
        "从客户的需要出发，提供优质、及时、贴合需求的服务，让客户更满意。",
        "Work starts from what customers need: good, timely service suited to them, and rising satisfaction.",
        "工单和项目均可由客户评价满意度。",
        "Customers rate their satisfaction with tickets and projects.",
        "平均满意度不低于制度参数规定的目标。",
        "Average satisfaction at or above the policy's target.",
    ),
    # --- 2 Operations process -------------------------------------------------------------
    C(
        "2.1.1",
        "需求调研",
        "Requirements research",
        "项目开始时与客户充分沟通，弄清其对功能、性能和使用场景的要求，并把客户交来的资料（如其业务数据和所在行业的标准）收齐，作为分析的依据。",
        "At the start of a project the team talks with the customer to learn what they need in function, "
        "performance and use, and collects the material the customer supplies (business data, industry "
        "standards) as the basis for analysis.",
        "每个项目记录客户沟通日志、需求条目（功能 / 性能 / 场景）并附上客户资料。",
        "Per project: a log of customer conversations, requirement items (function / performance / scenario) "
        "and the customer's material attached.",
        "已过启动阶段的在建项目都有至少一条已批准的需求记录。",
        "Every active project past kickoff has at least one approved requirement record.",
    ),
    C(
        "2.1.2",
        "项目规划",
        "Project planning",
        "依据调研结果编写项目计划，列明要达成的目标、拆分好的工作、各节点日期以及每项工作由谁负责，并请相关部门评审，确认计划站得住、做得到。",
        "From the research a project plan is written with its goals, work breakdown, dates and owners, and "
        "the departments concerned review it to confirm it is sound and feasible.",
        "项目计划包含目标、任务分解、带日期的里程碑，每项任务都有负责人；计划评审通过审批流程完成。",
        "A project plan has goals, a task breakdown, dated milestones and an owner for every task; the plan "
        "review runs through an approval.",
        "没有批准的计划不得执行项目；每项任务都有负责人和截止日期。",
        "No project runs without an approved plan; every task has an owner and a due date.",
    ),
    C(
        "2.1.3",
        "资源准备",
        "Resource preparation",
        "按项目需要调配人员、设备和资金，并确保团队具备所需技能，欠缺的通过培训补足。",
        "People, equipment and money are allocated as the project needs, and the team is made to have the "
        "skills required — gaps are closed by training.",
        "每个项目登记人员配置、设备和预算分配；对照所需技能与团队技能，为欠缺者安排培训。",
        "Per project: staffing, equipment and budget allocation; required skills against the team's skills, "
        "with training assigned for the gaps.",
        "标出岗位未配齐或成员未完成培训的项目。",
        "Projects with unfilled roles or untrained members are flagged.",
    ),
    C(
        "2.2.1",
        "技术选型",
        "Technology selection",
        "结合项目需求和公司的技术架构选择技术方案，并论证其成熟度、稳定性和安全性。",
        "The technical approach is chosen to fit the project and the company's architecture, and is "
        "evaluated for maturity, stability and security.",
        "记录候选方案及其评估（成熟度、稳定性、安全性），选型决定经审批。",
        "Options are recorded with their evaluation (maturity, stability, security); the decision is approved.",
        "处于建设阶段的项目都有已批准的选型决定。",
        "Every project in its build phase has an approved selection decision.",
    ),
    C(
        "2.2.2",
        "系统开发与测试",
        "Development and testing",
        "按选定方案和开发规范进行开发，交付前做完整测试——功能、性能和安全——确认满足需求。",
        "Development follows the chosen approach and the coding standards; before delivery the system is "
        "tested in full — function, performance and security — against the requirements.",
        "每个项目登记功能、性能、安全测试的执行记录和结果；缺陷跟踪至关闭。",
        "Per project: functional, performance and security test runs with results; defects tracked until "
        "closed.",
        "部署前三类测试均已记录并通过。",
        "All three kinds of test recorded and passed before deployment.",
    ),
    C(
        "2.2.3",
        "系统部署",
        "Deployment",
        "在生产环境平稳部署系统，上线前做最后的检查和调试，确保运行正常。",
        "The system is deployed to production smoothly, with a final check and tuning before go-live so that "
        "it runs correctly.",
        "部署记录包括上线检查单的签核和回退方案。",
        "A deployment record with a signed-off go-live checklist and a rollback plan.",
        "没有完成检查单的部署数为零。",
        "No deployment without a completed checklist.",
    ),
    C(
        "2.3.1",
        "数据管理",
        "Data management",
        "运营数据要有序地收集、整理、保存和分析；重要数据定期备份；用分析结果支持运营决策。",
        "Operations data is collected, organised, stored and analysed; important data is backed up "
        "regularly; analysis informs operating decisions.",
        "数据目录（数据集、负责人、密级、保留期限）；备份（见 4.2.2）；白墙、服务、财务数据的分析看板。",
        "A data catalogue (datasets, owner, classification, retention); backups (see 4.2.2); dashboards over "
        "wall, service and finance data.",
        "每个数据集都有负责人和密级；备份足够新。",
        "Every dataset has an owner and a classification; backups are fresh.",
    ),
    C(
        "2.3.2",
        "内容运营",
        "Content operations",
        "按计划发布及时、准确、丰富的内容，随用户需要和市场变化调整策略，对发布内容审核和监控，并及时处理用户的反馈与投诉。",
        "Content is published to a plan — timely, accurate and varied — and the strategy follows users and "
        "the market; what is published is reviewed and watched, and user feedback and complaints are "
        "handled promptly.",
        "内容日历（发布计划）、白墙用户投稿、审核流程、敏感词筛查、定时发布、下架、用户举报与投诉、互动分析。",
        "A content calendar, submissions from wall users, the review workflow, sensitive-word screening, "
        "scheduled publishing, take-down, user reports and complaints, engagement analytics.",
        "已发布帖子 100% 经过审核；未来一段时间的内容日历已排满；投诉在目标时限内得到答复。",
        "All published posts were reviewed; the calendar is filled for the coming period; complaints "
        "answered within the target.",
    ),
    C(
        "2.3.3",
        "用户服务",
        "User service",
        "用户可以得到咨询、培训和技术上的帮助；使用中遇到的问题要尽快解决，听取用户意见，服务不断改进。",
        "Users get consultation, training and technical support; their problems are solved promptly and "
        "their opinions feed continuous improvement of the service.",
        "服务台受理咨询、培训、技术支持工单；SLA（首次响应 / 解决时长）、满意度调查、知识库，以及推动改进的意见反馈记录。",
        "A service desk for consultation, training and technical-support tickets; SLA (first response / "
        "resolution), satisfaction surveys, a knowledge base and a feedback log driving improvements.",
        "SLA 达成率与平均满意度。",
        "SLA compliance and average satisfaction.",
    ),
    C(
        "2.3.4",
        "系统维护与优化",
        "Maintenance and optimisation",
        "定期巡检系统、及时排除故障；随业务发展优化升级系统；跟踪行业技术动向并适时引入新方法。",
        "The systems are inspected regularly and faults fixed quickly; they are improved and upgraded as the "
        "business grows; the team follows new technology and adopts what helps.",
        "巡检计划和记录（检查单）、含根因的故障记录、变更 / 升级记录、实时系统健康状况、技术动态笔记。",
        "Inspection schedules and records (checklists), fault records with root cause, change and upgrade "
        "records, live system health, technology-watch notes.",
        "巡检按计划完成；逾期未处理的故障。",
        "Inspections done on schedule; open faults past their due date.",
    ),
    C(
        "2.4.1",
        "项目验收",
        "Acceptance",
        "项目完成后由有关部门组织验收，听取客户意见，发现的问题整改到位，直至验收通过。",
        "The departments concerned accept the project, hear the customer's opinion, and have every issue "
        "found put right until the project passes.",
        "验收会议记录客户意见；整改项跟踪至验收通过；签字确认。",
        "An acceptance session with the customer's opinions; rectification items tracked until acceptance "
        "passes; sign-off.",
        "没有通过验收或整改项未关闭的项目不得结项。",
        "No project closed without passed acceptance and closed rectification items.",
    ),
    C(
        "2.4.2",
        "项目总结",
        "Project summary",
        "项目结束后全面回顾得失，并把需求和设计文档、测试报告以及用户手册整理归档。",
        "After the project the team reviews what went well and what did not, and files the documents — "
        "requirements, design, test report, user manual.",
        "项目复盘（成功经验、不足之处）；文档归档（需求、设计、测试报告、用户手册），四项齐全方可归档。",
        "A retrospective (successes, shortfalls); the document archive (requirements, design, test report, "
        "user manual) — all four are needed to archive.",
        "已结项项目的档案齐全。",
        "Closed projects have a complete archive.",
    ),
    C(
        "2.4.3",
        "知识转移",
        "Knowledge transfer",
        "把项目中积累的技术知识和运营经验传给公司其他部门，提高整体运营能力。",
        "Technical knowledge and operating experience gained in the project are passed on to other "
        "departments, raising the company's overall capability.",
        "知识文章和面向其他部门的转移培训，记录出席情况。",
        "Knowledge articles and transfer sessions for other departments, with attendance.",
        "已结项项目都有至少一条知识转移记录。",
        "Closed projects have at least one transfer record.",
    ),
    # --- 3 Personnel ------------------------------------------------------------------------
    C(
        "3.1.1",
        "招聘需求",
        "Hiring needs",
        "根据运营需要制定招聘计划，写明岗位、人数、职责和任职条件。",
        "Hiring is planned from the needs of operations: the position, how many people, their duties and "
        "the requirements.",
        "招聘需求单：岗位、人数、职责、任职要求，经审批。",
        "Headcount requisitions: position, number, duties, requirements; approved.",
        "未关闭的招聘需求全部已批准。",
        "Open requisitions are all approved.",
    ),
    C(
        "3.1.2",
        "招聘流程",
        "Hiring process",
        "招聘启事在不止一个渠道刊登；应聘者经简历筛选、笔试、面试层层挑选；选定后办理录用并签订劳动合同，写明双方权责。",
        "Openings are advertised on several channels; candidates go through resume screening, a written "
        "test and interviews; the person chosen is hired under a labour contract that sets out both sides' "
        "rights and duties.",
        "在多个渠道发布职位；应聘者流程：简历筛选 → 笔试 → 面试 → 录用通知（经审批）→ 签订劳动合同入职（起止日期）；各环节打分。",
        "Postings on several channels; the candidate pipeline: resume screening → written test → interviews "
        "→ offer (approved) → hire with a labour contract (start and end dates); scores at each stage.",
        "每位新员工都通过了各必经环节且有劳动合同在档。",
        "Every hire passed each required stage and has a contract on file.",
    ),
    C(
        "3.1.3",
        "培训计划",
        "Training plan",
        "为新员工安排系统的入职培训：白墙基础知识、业务流程和操作技能。",
        "New staff get a structured induction: Whitewall basics, the business processes and the operating "
        "skills.",
        "为每位新员工制定入职培训计划（白墙基础、业务流程、操作技能）。",
        "An induction training plan per new hire (Whitewall basics, business processes, operating skills).",
        "入职 N 天内的新员工都有培训计划。",
        "New hires within N days have a plan.",
    ),
    C(
        "3.1.4",
        "培训实施",
        "Training delivery",
        "培训可采用内部、外部或线上方式；定期考核培训效果，并据结果有针对性地辅导。",
        "Training is given internally, externally or online; its effect is assessed regularly and the "
        "results lead to targeted coaching.",
        "内部 / 外部 / 线上培训课程、出勤、带分数的培训考核；低分者安排后续辅导。",
        "Internal, external and online sessions, attendance, assessments with scores; follow-up coaching for "
        "low scores.",
        "培训均有考核；低分者都有辅导。",
        "Trainings are assessed; low scorers get coaching.",
    ),
    C(
        "3.2.1",
        "考核指标",
        "Indicators",
        "建立科学的绩效指标体系，涵盖工作业绩、工作态度和团队协作等方面。",
        "Performance is measured by a sound set of indicators covering results, attitude, teamwork and the "
        "like.",
        "考核指标模板（业绩、态度、协作……），权重合计为 100。",
        "Indicator templates (results, attitude, teamwork…) with weights adding up to 100.",
        "当前使用的模板有效。",
        "The active template is valid.",
    ),
    C(
        "3.2.2",
        "考核周期",
        "Cycles",
        "绩效考核按月和按年进行：月度看当月表现，年度综合全年情况。",
        "Appraisal runs monthly and yearly: the month looks at that month's work, the year brings the whole "
        "year together.",
        "月度与年度考核周期；年度考核汇总各月结果。",
        "Monthly and annual appraisal cycles; the annual one consolidates the monthly results.",
        "考核周期按时完成。",
        "Cycles completed on time.",
    ),
    C(
        "3.2.3",
        "考核方式",
        "Method",
        "绩效评价结合上级、同事和本人三方意见，力求客观公正。",
        "Appraisal combines the views of the supervisor, colleagues and the person themself, to be fair and "
        "objective.",
        "上级评价、同事评价、自评，按制度参数加权；得出校准后的最终分数。",
        "Supervisor, peer and self evaluation, weighted per the policy; a calibrated final score.",
        "每份考核都包含三方评价。",
        "Each appraisal has all three sources.",
    ),
    C(
        "3.2.4",
        "激励措施",
        "Incentives",
        "考核优秀者给予奖金、晋升、荣誉等奖励；考核不达标或违反制度者给予警告、罚款、降职等处罚。",
        "Strong results earn rewards such as a bonus, promotion or an honour; poor results or breaches of the "
        "rules bring penalties such as a warning, a fine or demotion.",
        "奖励（奖金、晋升、荣誉称号）与处罚（警告、罚款、降职），各自关联考核结果或已登记的违规事实，并经审批。",
        "Rewards (bonus, promotion, honour) and penalties (warning, fine, demotion), each linked to appraisal "
        "results or a recorded violation, and approved.",
        "每项奖惩都有依据并经审批。",
        "Every reward or penalty has a basis and an approval.",
    ),
    C(
        "3.3.1",
        "职业通道",
        "Career tracks",
        "员工可按兴趣和能力选择管理或专业技术两条发展通道之一。",
        "Staff choose between two career ladders — management or professional — by interest and ability.",
        "管理与专业技术两条通道，各分若干级别。",
        "Two ladders — management and professional — each with levels.",
        "每位员工都在某一通道上。",
        "Every employee is on a track.",
    ),
    C(
        "3.3.2",
        "发展规划",
        "Development plans",
        "员工和人事部门一起拟定个人发展规划，说清目标、路径和所需能力与培训，并定期评估调整。",
        "HR and each staff member draw up a personal development plan — goals, path, the skills and training "
        "needed — and review and adjust it regularly.",
        "个人发展规划（目标、路径、所需技能与培训），定期复核。",
        "A personal development plan (goals, path, skills and training needed), reviewed periodically.",
        "规划都在复核周期内复核过。",
        "Plans reviewed within the period.",
    ),
    C(
        "3.3.3",
        "晋升与轮岗",
        "Promotion and rotation",
        "依据发展规划和工作表现给员工晋升机会，并适时轮岗，拓宽视野、丰富经验。",
        "Staff are promoted on the strength of their plan and performance, and rotated between jobs from "
        "time to time to broaden their experience.",
        "晋升与轮岗通过审批办理，并更新岗位 / 职级履历。",
        "Promotions and rotations go through approval and update the position and grade history.",
        "晋升都有考核结果支撑。",
        "Promotions are backed by appraisal results.",
    ),
    # --- 4 Security -------------------------------------------------------------------------
    C(
        "4.1.1",
        "网络访问控制",
        "Network access control",
        "对不同人员的网络和系统访问权限严格管理，并用防火墙等手段阻止外部非法访问。",
        "Who may reach which systems is strictly controlled per person, and outside intrusion is blocked by "
        "firewalls and similar means.",
        "基于角色的权限，默认拒绝；控制台和接口的 IP 白名单；按人进行权限复核。",
        "Role-based permissions, denied by default; IP allow-lists for the console and the API; a per-person "
        "access review.",
        "权限复核在周期内完成；没有无角色的员工账号。",
        "Access review done within the period; no staff account without a role.",
    ),
    C(
        "4.1.2",
        "数据加密",
        "Data encryption",
        "重要数据在传输和存储时都要加密。",
        "Important data is encrypted both in transit and at rest.",
        "生产环境使用 TLS（HSTS、安全 Cookie）；敏感字段以可轮换的密钥加密存储。",
        "TLS in production (HSTS, secure cookies); sensitive fields encrypted at rest with rotatable keys.",
        "部署检查通过；数据库中明文敏感值为零。",
        "Deployment checks pass; no plaintext sensitive values in the database.",
    ),
    C(
        "4.1.3",
        "网络安全监控",
        "Security monitoring",
        "实时监视网络流量和用户行为，及时发现并处置安全事件。",
        "Network traffic and user behaviour are watched continuously so that security events are found and "
        "handled quickly.",
        "安全日志事件（登录、失败、锁定、权限拒绝、导出、批量读取）、请求频率异常与告警。",
        "Security log events (logins, failures, lockouts, permission denials, exports, bulk reads), "
        "request-rate anomalies and alerts.",
        "未处理的高危告警为零。",
        "No unhandled high-severity alerts.",
    ),
    C(
        "4.2.1",
        "系统漏洞管理",
        "Vulnerability management",
        "定期扫描并修补系统漏洞，及早消除安全隐患。",
        "The systems are scanned for vulnerabilities and patched on a schedule, removing risks early.",
        "定期的依赖与配置扫描；问题项带严重程度、负责人和整改期限。",
        "Scheduled dependency and configuration scans; findings with severity, owner and remediation deadline.",
        "没有逾期的严重 / 高危问题项；扫描在周期内进行。",
        "No overdue critical or high findings; a scan within the period.",
    ),
    C(
        "4.2.2",
        "系统备份与恢复",
        "Backup and restore",
        "系统数据定期备份，并做恢复测试，保证出故障时能迅速恢复。",
        "System data is backed up regularly and restores are tested, so that data can be brought back "
        "quickly after a failure.",
        "数据库和文件的定期加密备份；自动恢复测试并校验恢复出的副本。",
        "Scheduled encrypted backups of the database and files; automatic restore tests that verify the "
        "restored copy.",
        "最近一次备份的时长、最近一次成功恢复测试的时长。",
        "Age of the last backup and of the last successful restore test.",
    ),
    C(
        "4.2.3",
        "系统安全审计",
        "Security audit",
        "审计系统操作日志，及早发现并处理异常操作。",
        "System operation logs are audited so that abnormal operations are noticed and dealt with.",
        "防篡改、只增不改的审计日志，覆盖每一项操作；异常操作复核队列。",
        "A tamper-evident, append-only audit trail of every operation; a review queue for anomalies.",
        "日志链校验通过；异常均已复核。",
        "The chain verifies; anomalies are reviewed.",
    ),
    C(
        "4.3.1",
        "数据分类分级",
        "Data classification",
        "按重要程度和敏感程度对数据分类分级，不同级别采取不同保护措施。",
        "Data is classified by importance and sensitivity, and each level gets its own protection.",
        "密级（公开 / 内部 / 机密 / 绝密）；每条记录和每个文件都带密级；保护措施随密级而定。",
        "Levels (public / internal / confidential / secret); every record and file carries a level; "
        "protection follows the level.",
        "未定级的数据集为零。",
        "No unclassified datasets.",
    ),
    C(
        "4.3.2",
        "数据存储安全",
        "Storage safety",
        "存储设备要安全可靠，通过冗余存储和异地备份防止数据丢失。",
        "Storage is kept safe, with redundant copies and off-site backups so that no data is lost.",
        "冗余和异地的备份副本（第二个存储位置）。",
        "Redundant and off-site backup copies (a second storage target).",
        "最新备份至少存在于两个位置。",
        "The latest backup is present in at least two places.",
    ),
    C(
        "4.3.3",
        "数据使用安全",
        "Data use",
        "数据的访问和使用按流程、按权限严格控制，防止泄露和滥用。",
        "Access to and use of data follow set procedures and strict permissions, preventing leaks and misuse.",
        "按知悉权限和工作需要访问数据；敏感数据的导出和查看明文均有记录，超过阈值需审批。",
        "Access by clearance and need; exports and reveals of sensitive data are logged, and need approval "
        "above thresholds.",
        "未经审批的敏感数据导出为零。",
        "No unapproved sensitive exports.",
    ),
    C(
        "4.4.1",
        "应急预案",
        "Emergency plans",
        "制定安全应急预案，写明事件发生时的处置流程、职责分工和资源调配。",
        "Security emergency plans set out, for each kind of incident, the response procedure, who does what, "
        "and which resources are used.",
        "按事件类型编制预案：流程、职责、资源；分版本并经审批。",
        "A plan per incident type: procedure, responsibilities, resources; versioned and approved.",
        "每类事件都有预案，且在周期内复核过。",
        "A plan for every incident type, reviewed within the period.",
    ),
    C(
        "4.4.2",
        "应急演练",
        "Drills",
        "定期组织应急演练，提高员工的处置能力和协同配合。",
        "Emergency drills are held regularly to sharpen staff's response and teamwork.",
        "按计划的演练，记录参与人、发现的问题与后续跟进。",
        "Scheduled drills with participants, findings and follow-ups.",
        "周期内有演练。",
        "A drill within the period.",
    ),
    C(
        "4.4.3",
        "事件处理与报告",
        "Incident handling",
        "发生安全事件时立即启动预案处置，及时向领导报告，并设法防止事态扩大。",
        "When a security incident happens the plan is started at once, leadership is told promptly, and "
        "steps are taken to keep it from spreading.",
        "安全事件记录：启动预案、在时限内上报领导、时间线、遏制措施、事后复盘。",
        "Incident records that start a plan, escalate to leadership within a deadline, with a timeline, "
        "containment and a post-mortem.",
        "事件都在时限内上报。",
        "Incidents reported within the deadline.",
    ),
    # --- 5 Finance --------------------------------------------------------------------------
    C(
        "5.1.1",
        "预算编制",
        "Budget preparation",
        "依据运营计划和目标编制年度预算，涵盖人员、设备采购和运营费用等。",
        "An annual budget is drawn up from the operating plan and goals, covering people, equipment, running "
        "costs and the like.",
        "按部门和类别（人员、设备、运营……）编制年度预算，并经审批。",
        "An annual budget per department and category (personnel, equipment, operating…), approved.",
        "当年有已批准的预算。",
        "An approved budget for the current year.",
    ),
    C(
        "5.1.2",
        "预算执行",
        "Budget execution",
        "各项支出严格按预算执行，加强控制和监督，保证预算的严肃性。",
        "Spending keeps to the budget, under close control and oversight, so that the budget means something.",
        "每笔支出都对照可用余额检查（按制度参数拦截或提醒）；实时对比预算与实际。",
        "Every spend is checked against the remaining budget (blocked or warned per the policy); budget "
        "against actual in real time.",
        "超预算且无批准调整的支出为零。",
        "No spending over budget without an approved adjustment.",
    ),
    C(
        "5.1.3",
        "预算调整",
        "Budget adjustment",
        "确需调整预算时，按规定程序申请并审批。",
        "When the budget really has to change, the change is requested and approved by the set procedure.",
        "预算调整申请写明原因，按制度参数的审批链审批，保留历史。",
        "Adjustment requests with a reason, approved through the policy's chain, with history kept.",
        "所有调整都已批准。",
        "All adjustments approved.",
    ),
    C(
        "5.2.1",
        "报销流程",
        "Reimbursement process",
        "报销有明确流程：员工如实填写报销单并附凭证，经审批后报销。",
        "Reimbursement follows a clear procedure: staff fill in a claim with its receipts, and it is paid "
        "after approval.",
        "报销单含明细和票据附件，提交、审批、付款。",
        "Claims with line items and receipts attached: submitted, approved, paid.",
        "未经审批即付款的报销单为零。",
        "No claims paid without approval.",
    ),
    C(
        "5.2.2",
        "报销标准",
        "Reimbursement standards",
        "为每类费用定下合理的报销标准：哪些可以报、最多报多少、由谁审批。",
        "Reasonable standards say, per kind of expense, what is covered, how much, and who may approve it.",
        "按类别的报销标准：范围、限额（单项 / 每日 / 每单，按职级）、按金额划分的审批权限。",
        "Per-category standards: scope, limits (per item / per day / per claim, by grade), approval authority "
        "by amount.",
        "超标准且无例外审批的报销为零。",
        "No claims above the standards without an exception approval.",
    ),
    C(
        "5.2.3",
        "报销审核",
        "Finance audit",
        "财务部门认真审核报销单，确认费用真实、合法、合理。",
        "Finance checks each claim carefully to confirm the expense is genuine, lawful and reasonable.",
        "财务审核真实性、合法性、合理性：票据齐全、重复票据识别、符合标准。",
        "The finance audit checks authenticity, legality and reasonableness: receipts present, duplicate "
        "receipts detected, standards met.",
        "重复票据为零；每张已付款报销单都经过财务审核。",
        "No duplicate receipts; every paid claim audited.",
    ),
    C(
        "5.3.1",
        "成本分析",
        "Cost analysis",
        "定期分析运营成本，找出控制成本的关键点和问题所在。",
        "Operating costs are analysed regularly to find where they can be controlled and what goes wrong.",
        "按部门、类别、项目、期间的成本报表；趋势与差异；成本驱动因素。",
        "Cost reports by department, category, project and period; trends and variance; cost drivers.",
        "每月的成本分析已发布。",
        "The monthly analysis is published.",
    ),
    C(
        "5.3.2",
        "成本节约",
        "Cost saving",
        "通过优化资源配置、提高效率等有效手段降低运营成本，提升经济效益。",
        "Running costs are cut by effective means — better use of resources, higher efficiency — for the "
        "company's benefit.",
        "成本节约措施，带负责人、目标和实测效果。",
        "Saving measures with an owner, a target and the measured effect.",
        "措施都有实测效果。",
        "Measures have a measured effect.",
    ),
    # --- 6 Confidentiality ------------------------------------------------------------------
    C(
        "6.1.1",
        "商业秘密",
        "Trade secrets",
        "属于公司商业秘密的，有白墙的技术设计、经营数据、客户资料和市场打法等。",
        "The company's trade secrets include Whitewall's technical designs, business data, customer "
        "information and market strategy.",
        "商业秘密登记册（技术方案、业务数据、客户信息、市场策略），注明密级和负责人。",
        "A register of confidential items (technical plans, business data, customer information, market "
        "strategy) with level and owner.",
        "登记册在周期内复核过。",
        "The register reviewed within the period.",
    ),
    C(
        "6.1.2",
        "个人隐私",
        "Personal privacy",
        "员工的个人隐私信息——如身份证号、电话和住址等联系信息——同样需要保密。",
        "Staff members' personal data — identity numbers, contact details and the like — is confidential.",
        "个人隐私信息（身份证号、联系方式）加密存储、默认脱敏显示，查看明文需有权限并留痕。",
        "Personal data (ID numbers, contacts) encrypted, masked by default; revealing it needs permission and "
        "is logged.",
        "未留痕的明文查看为零。",
        "No unlogged reveals.",
    ),
    C(
        "6.2.1",
        "保密协议",
        "Non-disclosure agreements",
        "每位员工都与公司签署保密协议，写明其应守的秘密和违约应负的责任。",
        "The company and each staff member sign a non-disclosure agreement setting out the duty of "
        "confidentiality and the liability.",
        "每位员工的保密协议，含签署日期和期限；到期前提醒；没有协议的新员工不能启用账号。",
        "An NDA per employee with signing date and term; reminders before expiry; new staff cannot be "
        "activated without one.",
        "没有有效保密协议的在职员工为零。",
        "No active staff without a valid NDA.",
    ),
    C(
        "6.2.2",
        "物理隔离",
        "Physical isolation",
        "涉密区域实行物理隔离，无关人员不得进入。",
        "Areas holding company secrets are physically separated, and people with no business there are kept "
        "out.",
        "涉密区域及其授权名单；出入记录；未授权进入告警。",
        "Restricted areas with their authorised lists; an entry log; alerts on unauthorised entry.",
        "未授权人员的出入为零。",
        "No entries by unauthorised people.",
    ),
    C(
        "6.2.3",
        "信息加密",
        "Information encryption",
        "机密信息在存储和传输时都要加密，防止泄露。",
        "Confidential information is encrypted when stored and when sent, so that it does not leak.",
        "机密文件加密存储，仅通过 TLS 提供给有知悉权限的人。",
        "Confidential files encrypted at rest and served only over TLS to people with clearance.",
        "未加密存储的机密文件为零。",
        "No confidential files stored unencrypted.",
    ),
    C(
        "6.3",
        "保密监督",
        "Confidentiality supervision",
        "对保密工作进行监督检查（原文在此处中断，本条按其标题补全）。",
        "Confidentiality is supervised and inspected (the source document breaks off here; this clause is "
        "completed from its heading).",
        "定期保密检查；违规记录作为 3.2.4 处罚的依据。",
        "Periodic confidentiality inspections; violation records that feed the penalties of 3.2.4.",
        "周期内做过保密检查。",
        "An inspection within the period.",
    ),
]

assert len({c.code for c in CLAUSES}) == len(CLAUSES), "duplicate clause code"
assert all(c.section in SECTIONS for c in CLAUSES), "clause in an unknown section"
