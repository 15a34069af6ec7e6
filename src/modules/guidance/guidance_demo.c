/* The family-guidance demo: the experts' library of Shiyan's hospitals and colleges, about 60 events and
 * courses across the districts over the past year and the coming weeks (past ones done, most with the
 * attendance recorded, a few cancelled), deterministic sign-ups with sealed contacts, and 12 published
 * articles on infant care. One transaction; audit entries by the system. No randomness: everything follows
 * from the indexes and the demo's day. */
#include "auth/pii.h"
#include "core/clock.h"
#include "modules/guidance/guidance.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define DAY  86400
#define HOUR 3600

static const struct {
    const char *name, *title, *organisation, *speciality, *district, *unit;
} experts[] = {
    {"陈立华", "主任医师", "十堰市人民医院", "儿童保健与生长发育", NULL, "health"},
    {"王晓梅", "主任医师", "十堰市太和医院", "新生儿疾病与早产儿随访", NULL, "health"},
    {"刘建国", "副主任医师", "国药东风总医院", "小儿呼吸与常见病家庭护理", NULL, "health"},
    {"张丽娟", "主任医师", "十堰市妇幼保健院", "儿童营养与辅食添加", NULL, "health"},
    {"李红", "副主任护师", "十堰市妇幼保健院", "母乳喂养指导", NULL, "health"},
    {"周敏", "主治医师", "十堰市妇幼保健院", "儿童早期发展", NULL, "health"},
    {"杨帆", "副主任医师", "十堰市太和医院", "儿童心理与行为发育", NULL, "health"},
    {"赵静", "主管护师", "十堰市人民医院", "婴幼儿意外伤害预防与急救", NULL, "health"},
    {"黄志强", "副主任医师", "十堰市疾病预防控制中心", "预防接种", NULL, "health"},
    {"吴倩", "主治医师", "十堰市太和医院", "儿童口腔保健", NULL, "health"},
    {"孙文博", "副主任医师", "十堰市人民医院", "儿童眼保健与视力筛查", NULL, "health"},
    {"马丽", "主任医师", "十堰市中医医院", "小儿推拿与中医育儿", NULL, "health"},
    {"郭艳", "副主任医师", "国药东风总医院", "儿童康复", NULL, "health"},
    {"何小燕", "主管护师", "十堰市太和医院", "新生儿护理", NULL, "health"},
    {"林涛", "教授", "湖北医药学院", "儿科学与儿童保健", NULL, "education"},
    {"罗晶", "副教授", "汉江师范学院", "学前教育与亲子游戏", NULL, "education"},
    {"高雅", "副教授", "汉江师范学院", "婴幼儿语言发展与亲子阅读", NULL, "education"},
    {"冯雪", "讲师", "十堰职业技术学院", "婴幼儿托育服务与管理", NULL, "education"},
    {"韩梅", "高级教师", "十堰市实验幼儿园", "入园适应与家园共育", NULL, "education"},
    {"邓玉兰", "副教授", "湖北医药学院", "护理学与家庭照护", NULL, "education"},
    {"曹华", "副主任医师", "十堰市茅箭区妇幼保健院", "儿童保健", "420302", "health"},
    {"彭芳", "主治医师", "十堰市张湾区妇幼保健院", "儿童营养", "420303", "health"},
    {"曾勇", "副主任医师", "十堰市郧阳区人民医院", "儿科", "420304", "health"},
    {"谢娜", "主治医师", "郧西县妇幼保健院", "母乳喂养与儿童保健", "420322", "health"},
    {"袁军", "副主任医师", "竹山县人民医院", "儿科常见病", "420323", "health"},
    {"蒋丽", "主管护师", "竹溪县妇幼保健院", "新生儿护理", "420324", "health"},
    {"蔡明", "副主任医师", "房县人民医院", "儿童保健", "420325", "health"},
    {"余静", "主治医师", "丹江口市妇幼保健院", "儿童早期发展", "420381", "health"},
    {"潘琳", "一级教师", "十堰经济技术开发区中心幼儿园", "家园共育", "420391", "education"},
    {"杜鹃", "主管护师", "武当山特区卫生院", "婴幼儿家庭照护", "420392", "health"},
};
#define NEXPERTS ((int)(sizeof experts / sizeof experts[0]))
#define NCITY    20 /* the first 20 serve the whole city */

/* The districts in the order events are spread over them: 张湾区 and 茅箭区 more often. */
static const char *const spread[] = {"420303", "420302", "420304", "420303", "420322",
                                     "420302", "420323", "420303", "420324", "420325",
                                     "420302", "420381", "420303", "420391", "420392"};
static const char *const district_names[][2] = {
    {"420302", "茅箭区"}, {"420303", "张湾区"},     {"420304", "郧阳区"}, {"420322", "郧西县"},
    {"420323", "竹山县"}, {"420324", "竹溪县"},     {"420325", "房县"},   {"420381", "丹江口市"},
    {"420391", "经开区"}, {"420392", "武当山特区"},
};

static const char *dname(const char *code)
{
    for (size_t i = 0; i < sizeof district_names / sizeof district_names[0]; i++)
        if (strcmp(district_names[i][0], code) == 0) return district_names[i][1];
    return "";
}

static const struct {
    const char *title, *kind, *description;
} topics[] = {
    {"新手爸妈课堂：新生儿护理", "course",
     "讲解新生儿洗澡、脐带护理、黄疸观察和抚触，现场用模型练习。适合孕晚期和宝宝 3 个月内的家庭。"},
    {"母乳喂养指导", "event", "哺乳姿势与含接、乳汁不足的判断、职场妈妈背奶和储存母乳，一对一答疑。"},
    {"6 月龄起的辅食添加", "course", "从富含铁的泥糊状食物开始，逐步增加种类和稠度；现场演示辅食制作。"},
    {"婴幼儿安全睡眠", "event", "仰卧睡、独立睡床、睡眠环境布置和作息规律，帮助家庭减少夜醒和窒息风险。"},
    {"预防接种知多少", "event", "国家免疫规划疫苗的接种时间、接种前后注意事项和常见反应的处理。"},
    {"家庭意外伤害预防", "course", "跌落、烫伤、误吞异物、溺水的预防，以及海姆立克急救法的现场练习。"},
    {"亲子阅读与语言发展", "course", "如何为 0–3 岁孩子选书、怎样陪读，以及孩子语言发展的关键节点。"},
    {"孩子发热了怎么办", "event", "体温测量、物理降温的误区、退热药的正确使用和需要立即就医的信号。"},
    {"婴幼儿口腔保健", "event", "第一颗牙萌出后的清洁、含氟牙膏的用量、奶瓶龋的预防，现场免费口腔检查。"},
    {"入托入园适应", "course", "帮助孩子和家长做好入托准备，缓解分离焦虑，建立家园共育的沟通方式。"},
    {"科学育儿中医小儿推拿", "course", "常用小儿推拿手法和日常保健，讲解适用与不适用的情形。"},
    {"儿童早期发展与亲子游戏", "course",
     "按月龄设计的亲子游戏，促进大运动、精细动作、语言和社会交往能力发展。"},
};
#define NTOPICS ((int)(sizeof topics / sizeof topics[0]))

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
static const char *const given[] = {"丽", "娟", "敏", "静", "军", "伟", "芳", "磊", "洋", "婷",
                                    "强", "霞", "燕", "杰", "倩", "涛", "琳", "鹏", "雪", "斌"};

static const struct {
    const char *title, *summary, *author, *body;
} articles[] = {
    {"婴儿安全睡眠：仰卧、独睡、不捂热",
     "一岁以内的宝宝睡觉要仰卧，睡在自己的小床上，床上不放枕头、被子和玩具。", "十堰市妇幼保健院",
     "一岁以内的婴儿，每次睡觉（包括白天小睡）都应让宝宝仰卧。仰卧是降低婴儿猝死和窒息风险最有效的做法，"
     "宝宝能自己翻身后，不必强行把他翻回来，但入睡时仍应仰卧放下。\n"
     "让宝宝睡在父母房间里自己的婴儿床上，和父母同屋不同床。大人床上的被褥、枕头和大人翻身都可能压住或"
     "捂住宝宝的口鼻。\n"
     "婴儿床使用硬而平的床垫，铺上贴合的床单即可。床上不要放枕头、厚被子、毛绒玩具和床围。可以用合身的"
     "睡袋代替被子。\n"
     "不要捂热。室温保持在 20–24℃，宝宝穿得比大人多一层即可；摸后颈温热、不出汗就说明合适。不要给宝宝"
     "戴帽子睡觉。\n"
     "家中不吸烟，孕期和产后都要远离二手烟。宝宝出现呼吸异常、面色发青或难以唤醒，应立即拨打 120。"},
    {"0–6 个月纯母乳喂养", "6 个月内的宝宝只吃母乳就能满足全部营养需要，不需要喂水。", "十堰市妇幼保健院",
     "世界卫生组织和我国婴幼儿喂养指南都建议：出生后 1 小时内开奶，6 月龄内纯母乳喂养。母乳中的水分足以"
     "满足宝宝需要，夏天也不必额外喂水。\n"
     "按需喂养：宝宝饿了就喂，新生儿每天一般要吃 8–12 次。觅食、吸吮手指、烦躁是饥饿的早期信号，哭闹已经"
     "是较晚的信号。\n"
     "判断奶够不够，看尿和体重：满月后宝宝每天小便 6 次以上、颜色淡，体重增长正常，就说明吃够了。\n"
     "正确的含接是宝宝张大嘴，含住乳头和大部分乳晕，下唇外翻。乳头疼痛、皲裂多半是含接不对，可以到妇幼"
     "保健院母乳喂养门诊寻求帮助。\n"
     "出生后数日开始每天补充维生素 D 400 国际单位。妈妈返回工作岗位后，可以吸出母乳冷藏或冷冻保存，继续"
     "母乳喂养到 2 岁或以上。"},
    {"宝宝 6 个月了，辅食怎么加", "从满 6 月龄开始添加富含铁的泥糊状食物，一次只加一种新食物。",
     "十堰市妇幼保健院",
     "宝宝满 6 月龄后，单靠母乳已不能满足铁等营养素的需要，要开始添加辅食，同时继续母乳喂养。\n"
     "第一口辅食应富含铁，例如强化铁的婴儿米粉、肉泥、肝泥。每次只添加一种新食物，观察 2–3 天，没有过敏"
     "等不良反应再添加下一种。\n"
     "由稀到稠、由细到粗：从泥糊状逐渐过渡到碎末状、小块状，7–9 月龄可以尝试手指食物，帮助孩子学习咀嚼"
     "和自己进食。\n"
     "1 岁以内的辅食不加盐、糖和其他调味品，不喂蜂蜜；整粒坚果、果冻等容易呛噎的食物 3 岁以前不要给。\n"
     "鼓励孩子自己吃，不追喂、不强迫，进餐时关掉电视和手机。孩子体重增长不理想或挑食严重，可以到儿童保健"
     "门诊进行营养评估。"},
    {"预防接种时间提醒（0–3 岁）", "按时接种国家免疫规划疫苗，别错过这些月龄。", "十堰市疾病预防控制中心",
     "国家免疫规划疫苗免费接种。宝宝出生后请及时到居住地的预防接种门诊办理《预防接种证》，每次接种后核对"
     "下次接种时间。\n"
     "出生时：乙肝疫苗第 1 剂、卡介苗。1 月龄：乙肝疫苗第 2 剂。\n"
     "2 月龄：脊灰灭活疫苗第 1 剂、百白破疫苗第 1 剂。3 月龄：脊灰灭活疫苗第 2 剂。\n"
     "4 月龄：脊灰减毒活疫苗第 3 剂、百白破疫苗第 2 剂。6 月龄：乙肝疫苗第 3 剂、百白破疫苗第 3 剂、"
     "A 群流脑多糖疫苗第 1 剂。\n"
     "8 月龄：麻腮风疫苗第 1 剂、乙脑减毒活疫苗第 1 剂。9 月龄：A 群流脑多糖疫苗第 2 剂。\n"
     "18 月龄：百白破疫苗第 4 剂、麻腮风疫苗第 2 剂、甲肝减毒活疫苗。2 周岁：乙脑减毒活疫苗第 2 剂。"
     "3 周岁：A 群 C 群流脑多糖疫苗第 1 剂。\n"
     "具体程序以接种门诊的通知为准。接种后留观 30 分钟；低热、接种部位红肿一般 2–3 天自行消退，高热不退"
     "或出现皮疹、精神差要及时就医。错过了时间不要紧，尽快补种即可。"},
    {"防跌落：婴幼儿最常见的伤害", "换尿布不离手，窗户装限位，楼梯装护栏。", "十堰市人民医院",
     "跌落是我国 0–3 岁儿童最常见的意外伤害。宝宝学会翻身往往比家长预想的更早，因此从出生起就要养成习惯："
     "把宝宝放在尿布台、沙发或大床上时，手始终不离开宝宝。\n"
     "婴儿床的护栏要拉起并锁好，栏杆间距不超过 6 厘米。宝宝会扶站后，把床垫降到最低。\n"
     "窗户安装限位器或防护网，窗边不放椅子、床等可攀爬的家具。阳台栏杆高度不低于 1.1 米。\n"
     "楼梯上下口安装安全门栏，不使用学步车。\n"
     "宝宝跌落后出现昏睡、反复呕吐、抽搐、耳鼻流血或流清水，要立即送医。"},
    {"小心窒息：异物和食物呛噎", "小物件放到孩子够不着的地方，学会海姆立克急救法。", "十堰市太和医院",
     "直径小于 3.5 厘米的物品都可能被孩子放进嘴里：纽扣电池、磁力珠、硬币、气球碎片尤其危险，纽扣电池和"
     "磁力珠吞下后还会造成严重的消化道损伤。\n"
     "3 岁以下不要吃整粒坚果、果冻、整颗葡萄和圣女果（要切成小块），吃东西时不要逗笑、哭闹和跑动。\n"
     "1 岁以下婴儿呛噎：让宝宝趴在大人前臂上，头低于躯干，用掌根在两肩胛骨之间拍背 5 次；再翻过来用两指"
     "在两乳头连线中点下方按压胸部 5 次，交替进行，直到异物排出。\n"
     "1 岁以上儿童：站或跪在孩子身后，一手握拳放在肚脐上方，另一手包住拳头，快速向内向上冲击。\n"
     "孩子失去意识时立即拨打 120 并开始心肺复苏。建议家长参加医院或社区组织的急救培训。"},
    {"防烫伤：厨房和浴室的安全", "热水先放冷水，热饮不放桌边，烫伤后立即冲凉水。", "国药东风总医院",
     "婴幼儿的皮肤薄，60℃ 的热水几秒钟就能造成深度烫伤。洗澡时先放冷水再加热水，用手肘或水温计试水，"
     "38–40℃ 为宜。\n"
     "热水瓶、热汤、热饮放在孩子够不着的地方，不用桌布（孩子一拉桌布，热汤就会翻倒）。抱着孩子时不喝热饮、"
     "不做饭。\n"
     "电暖器、电熨斗、充电器等远离孩子，插座装保护盖。\n"
     "烫伤后：立即用流动的凉水冲洗 15–20 分钟，再小心脱去衣物；不要涂牙膏、酱油、草木灰，不要挑破水疱。"
     "烫伤面积较大、在面部或会阴部，或出现水疱，应尽快到医院处理。"},
    {"儿童乘车安全：请用安全座椅", "孩子乘车要坐在后排的儿童安全座椅里，婴儿反向安装。", "十堰市人民医院",
     "大人怀抱不能保护孩子：车速 50 公里时发生碰撞，孩子的冲击力相当于自身体重的几十倍，大人根本抱不住。\n"
     "从出院回家的第一次乘车起就使用儿童安全座椅，安装在后排。婴儿和小月龄幼儿使用反向安装的座椅，"
     "尽可能延长反向乘坐时间，直到超过座椅允许的身高体重。\n"
     "安全带要贴身，肩带在肩膀位置、胸扣在腋下水平，以插不进两指为宜。冬天不要穿厚羽绒服坐安全座椅。\n"
     "不要把孩子单独留在车内，哪怕只有几分钟：夏季车内温度很快会升高到致命水平。"},
    {"孩子发热时的家庭护理", "发热本身不是病，关键是看精神状态；3 个月内发热要及时就医。", "十堰市太和医院",
     "发热是身体对抗感染的反应。腋温 37.3℃ 以上为发热。比体温高低更重要的是孩子的精神状态：退热后能玩、"
     "能吃，一般不必过于担心。\n"
     "3 月龄以下的婴儿发热，应及时就医。\n"
     "体温超过 38.5℃ 或孩子明显不舒服时，可以按说明书的剂量使用对乙酰氨基酚或布洛芬，两次用药间隔不少于"
     "4–6 小时。不用酒精擦身，不捂汗。\n"
     "多喂水或母乳，穿着宽松透气。\n"
     "出现以下情况请立即就医：精神萎靡、嗜睡难唤醒，抽搐，呼吸急促或困难，皮肤出现瘀点瘀斑，尿量明显减少，"
     "发热超过 3 天。"},
    {"多和孩子说话：语言发展从出生开始", "每天陪孩子说话、唱歌、读书，是给孩子最好的早期教育。",
     "汉江师范学院",
     "孩子的语言能力在出生后头三年发展最快。多听大人说话的孩子，词汇量更大，入学后的阅读能力也更好。\n"
     "回应孩子的声音和表情：宝宝咿呀发声时，停下来看着他，模仿他的声音再回应，像对话一样一来一往。\n"
     "边做边说：换尿布、洗澡、吃饭时，用简单的话描述正在做的事情。\n"
     "从 6 个月起就可以一起看绘本：指着图画说名称，让孩子翻页，不必从头读到尾。每天固定 10–15 分钟的"
     "亲子阅读时间。\n"
     "18 月龄还不会说任何有意义的词、2 岁还不会说两个词的短句，或者对叫名字没有反应，请到儿童保健门诊做"
     "发育评估。"},
    {"从第一颗牙开始保护牙齿", "长牙后每天刷两次，用米粒大小的含氟牙膏，不含着奶瓶睡觉。", "十堰市太和医院",
     "宝宝长牙前，可以用干净的湿纱布每天擦拭牙龈。第一颗乳牙萌出后就要开始刷牙，每天早晚各一次。\n"
     "3 岁以下使用米粒大小的含氟牙膏，由家长帮孩子刷。\n"
     "不要让孩子含着奶瓶睡觉，夜间喂奶后要清洁牙齿。1 岁左右开始学习用杯子喝水，逐渐减少奶瓶使用。\n"
     "少吃甜食和含糖饮料，不用嘴嚼食物喂孩子。\n"
     "第一颗牙萌出后半年内、最晚 1 岁时，带孩子进行第一次口腔检查，以后每半年检查一次，可以在儿童口腔科"
     "涂氟预防龋齿。"},
    {"2 岁以下尽量不看屏幕", "2 岁以下避免看电视、手机，2 岁以后每天不超过 1 小时并由家长陪同。",
     "十堰市教育局",
     "世界卫生组织建议：1 岁以下婴儿不看任何屏幕；2 岁以下尽量避免；2–4 岁每天屏幕时间不超过 1 小时，"
     "越少越好。\n"
     "婴幼儿通过和人的真实互动、触摸和摆弄物品来学习。长时间看屏幕会挤占说话、游戏、运动和睡眠的时间，"
     "与语言发育迟缓、注意力问题和睡眠问题有关。\n"
     "吃饭和睡前一小时不看屏幕，卧室里不放电视。\n"
     "大人也要放下手机，多陪孩子说话、玩耍、户外活动。确需视频通话时，家长陪在旁边一起交流。"},
};
#define NARTICLES ((int)(sizeof articles / sizeof articles[0]))

struct demo_ctx {
    struct arena *a;
    int64_t today, now;
    int64_t expert_ids[NEXPERTS];
    int64_t signups;
};

static enum err audit_create(struct db *db, struct arena *a, const char *action, const char *entity,
                             int64_t id, json_t *after)
{
    return audit_append(db, NULL, action, entity, id, NULL, json_text(a, after));
}

static enum err load_experts(struct db *db, struct demo_ctx *c)
{
    for (int i = 0; i < NEXPERTS; i++) {
        int64_t at = (c->today - 400 + i) * (int64_t)DAY + 9 * HOUR;
        struct db_val v[] = {DBV_TEXT(experts[i].name),
                             DBV_TEXT(experts[i].title),
                             DBV_TEXT(experts[i].organisation),
                             DBV_TEXT(experts[i].speciality),
                             DBV_TEXT(experts[i].district),
                             DBV_TEXT(experts[i].unit),
                             DBV_INT(at)};
        enum err e = db_int_query(db,
                                  "INSERT INTO guidance_experts (name, title, organisation, speciality, "
                                  "district_code, added_by_unit, active, version, created_at, updated_at) "
                                  "VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7) RETURNING id",
                                  v, DB_NPARAMS(v), &c->expert_ids[i]);
        if (e == OK)
            e = audit_create(db, c->a, "guidance_expert.create", "guidance_expert", c->expert_ids[i],
                             json_pack("{s:s, s:s, s:s}", "name", experts[i].name, "organisation",
                                       experts[i].organisation, "added_by_unit", experts[i].unit));
        if (e != OK) return e;
    }
    return OK;
}

struct inst_pick {
    int64_t id;
    const char *name;
};

static void read_pick(struct db_rows *r, struct arena *a, void *item)
{
    struct inst_pick *p = item;
    p->id = db_int(r, 0);
    p->name = db_text_dup(r, 1, a);
}

/* Sign-up number k (global, so phones differ) for event ev at time at. */
static enum err add_signup(struct db *db, struct demo_ctx *c, int64_t ev, int64_t k, int64_t at,
                           bool cancelled)
{
    char name[32], phone[16], ref[11], hash[PII_HASH_HEX];
    snprintf(name, sizeof name, "%s%s%s", surnames[(k * 7) % 20], given[(k * 3 + k / 20) % 20],
             k % 3 ? given[(k * 11 + 5) % 20] : "");
    snprintf(phone, sizeof phone, "1%d%09lld", 3 + (int)(k % 6 == 5), 500000000LL + k * 7919 % 499999999);
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    int64_t x = (k + 1) * 104729 % 887503681; /* 31^6 and a prime multiplier: distinct codes */
    ref[0] = 'G';
    ref[1] = 'D';
    ref[2] = 'D';
    ref[3] = 'M';
    for (int i = 9; i >= 4; i--) {
        ref[i] = alphabet[x % 31];
        x /= 31;
    }
    ref[10] = 0;
    pii_hash(phone, hash);
    size_t nl, pl;
    unsigned char *ne = pii_seal(c->a, name, &nl), *pe = pii_seal(c->a, phone, &pl);
    struct db_val v[] = {DBV_INT(ev),
                         DBV_TEXT(ref),
                         DBV_BLOB(ne, nl),
                         DBV_BLOB(pe, pl),
                         DBV_TEXT(guidance_mask_name(c->a, name)),
                         DBV_TEXT(pii_mask_phone(c->a, phone)),
                         DBV_TEXT(hash),
                         DBV_INT(1 + (k % 7 == 3)),
                         k % 4 == 3 ? DBV_NULL : DBV_TEXT(guidance_age_names[k % 3]),
                         DBV_INT(at),
                         cancelled ? DBV_INT(at + 2 * HOUR) : DBV_NULL};
    return db_exec(
        db,
        "INSERT INTO guidance_signups (event_id, ref_code, guardian_name_enc, guardian_phone_enc, "
        "name_masked, phone_masked, phone_hash, children, child_age_band, created_at, cancelled_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        v, DB_NPARAMS(v));
}

static enum err load_events(struct db *db, struct demo_ctx *c)
{
    enum err e = OK;
    for (int i = 0; i < 60 && e == OK; i++) {
        bool past = i < 46;
        int64_t day = past ? c->today - 6 - i * 7 : c->today + 1 + (i - 46) * 2;
        const char *district = spread[i % (int)(sizeof spread / sizeof spread[0])];
        int t = i % NTOPICS;
        int venue = i % 5 == 4   ? GV_ONLINE
                    : i % 3 == 0 ? GV_HOSPITAL
                    : i % 3 == 1 ? GV_COMMUNITY
                                 : GV_INSTITUTION;
        int64_t inst = 0;
        const char *venue_text = "";
        if (venue == GV_INSTITUTION) {
            struct inst_pick p;
            struct db_val iv[] = {DBV_TEXT(district), DBV_INT(i % 3)};
            e = db_get_one(db, c->a,
                           "SELECT id, name FROM institutions WHERE district_code = $1 AND state = 'filed' "
                           "ORDER BY id LIMIT 1 OFFSET $2",
                           iv, 2, read_pick, &p);
            if (e == ERR_NOT_FOUND) {
                e = OK;
                venue = GV_COMMUNITY;
            } else if (e != OK) {
                return e;
            } else {
                inst = p.id;
                venue_text = arena_printf(c->a, "%s 活动室", p.name);
            }
        }
        /* The expert: every third event the district's own, else one of the city's library. */
        int xi = i % 3 == 0 ? -1 : (i * 7) % NCITY;
        if (xi < 0)
            for (int k = NCITY; k < NEXPERTS; k++)
                if (strcmp(experts[k].district, district) == 0) xi = k;
        if (venue == GV_HOSPITAL)
            venue_text =
                arena_printf(c->a, "%s 健康教育室", xi >= 0 ? experts[xi].organisation : "十堰市妇幼保健院");
        else if (venue == GV_COMMUNITY)
            venue_text = arena_printf(c->a, "%s%s社区党群服务中心", dname(district),
                                      (const char *[]){"红卫", "车城", "五堰", "北京路", "花果"}[i % 5]);
        else if (venue == GV_ONLINE)
            venue_text = "线上直播（报名后短信发送观看链接）";
        int64_t starts = clock_day_start(day) + (i % 2 ? 14 * HOUR + 30 * 60 : 9 * HOUR + 30 * 60);
        int64_t ends = starts + (strcmp(topics[t].kind, "course") == 0 ? 3 * HOUR : 2 * HOUR);
        int64_t cap = venue == GV_ONLINE ? 200 : 20 + (i * 13) % 41;
        const char *status = past ? (i % 11 == 5 ? "cancelled" : "done") : i >= 58 ? "draft" : "published";
        int64_t live = 0;
        if (past && strcmp(status, "done") == 0)
            live = cap * (60 + (i * 37) % 35) / 100;
        else if (strcmp(status, "published") == 0)
            live = i == 47 ? cap : cap * ((i * 13) % 70) / 100;
        else if (strcmp(status, "cancelled") == 0)
            live = cap / 4;
        /* Attendance at two done events in three; it differs from the sign-ups both ways (no-shows and
         * families who came without signing up). */
        bool recorded = past && strcmp(status, "done") == 0 && i % 3 != 2;
        int64_t attended = recorded ? live - (i % 4) + (i % 5) * 2 : -1;
        if (attended > GUIDANCE_ATTENDED_MAX) attended = GUIDANCE_ATTENDED_MAX;
        int64_t created = starts - 20 * DAY;
        const char *title = arena_printf(c->a, "%s（%s）", topics[t].title, dname(district));
        struct db_val v[] = {DBV_TEXT(title),
                             DBV_TEXT(topics[t].kind),
                             DBV_TEXT(gev_venue_names[venue]),
                             DBV_TEXT(venue_text),
                             DBV_TEXT(district),
                             inst ? DBV_INT(inst) : DBV_NULL,
                             DBV_INT(starts),
                             DBV_INT(ends),
                             DBV_INT(cap),
                             xi >= 0 ? DBV_INT(c->expert_ids[xi]) : DBV_NULL,
                             DBV_TEXT(status),
                             DBV_TEXT(topics[t].description),
                             recorded ? DBV_INT(attended) : DBV_NULL,
                             DBV_INT(created),
                             DBV_INT(past ? ends + 2 * HOUR : created)};
        int64_t id;
        e = db_int_query(
            db,
            "INSERT INTO guidance_events (title, kind, venue_kind, venue, district_code, "
            "institution_id, starts_at, ends_at, capacity, expert_id, status, description, attended, "
            "version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "$12, $13, 1, $14, $15) RETURNING id",
            v, DB_NPARAMS(v), &id);
        if (e != OK) return e;
        e = audit_create(
            db, c->a, "guidance_event.create", "guidance_event", id,
            json_pack("{s:s, s:s, s:s}", "title", title, "district_code", district, "status", status));
        /* Sign-ups spread over the fortnight before the start; one in nine later cancelled, and a
         * replacement taken, so the live count stays live. */
        for (int64_t k = 0; k < live && e == OK; k++) {
            int64_t at = created + 1 * DAY + k * (13 * DAY / (live + 1));
            bool cancel = k % 9 == 8;
            e = add_signup(db, c, id, c->signups++, at, cancel);
            if (e == OK && cancel) e = add_signup(db, c, id, c->signups++, at + HOUR, false);
        }
    }
    return e;
}

static enum err load_articles(struct db *db, struct demo_ctx *c)
{
    for (int i = 0; i < NARTICLES; i++) {
        int64_t at = (c->today - 300 + i * 24) * (int64_t)DAY + 2 * HOUR;
        struct db_val v[] = {DBV_TEXT(articles[i].title), DBV_TEXT(articles[i].summary),
                             DBV_TEXT(articles[i].body), DBV_TEXT(articles[i].author), DBV_INT(at)};
        int64_t id;
        enum err e = db_int_query(db,
                                  "INSERT INTO guidance_articles (title, summary, body, author_unit, status, "
                                  "published_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, "
                                  "'published', $5, 1, $5, $5) RETURNING id",
                                  v, DB_NPARAMS(v), &id);
        if (e == OK)
            e = audit_create(db, c->a, "guidance_article.create", "guidance_article", id,
                             json_pack("{s:s, s:s}", "title", articles[i].title, "status", "published"));
        if (e != OK) return e;
    }
    return OK;
}

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *c = p;
    c->signups = 0;
    audit_bulk_begin();
    enum err e = load_experts(db, c);
    if (e == OK) e = load_events(db, c);
    if (e == OK) e = load_articles(db, c);
    if (e == OK)
        e = audit_create(db, c->a, "guidance_signup.demo", "guidance_signup", 0,
                         json_pack("{s:I}", "signups", (json_int_t)c->signups));
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err guidance_demo_load(struct db *db, struct arena *a)
{
    if (!pii_ready()) return ERR_INTERNAL;
    int64_t now = clock_now();
    struct demo_ctx c = {.a = a, .now = now, .today = clock_day_of(now)};
    return db_tx(db, demo_tx, &c);
}
