"""Code lists of domain.md §1, one place each. Values are the national codes; labels are
the Chinese terms (translated through gettext for the English UI)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Attribute(models.TextChoices):
    """贫困户属性 (2017+)."""

    GENERAL = "1", _("一般贫困户")
    DIBAO = "2", _("低保贫困户")
    TEKUN = "3", _("特困供养贫困户")


class Cause(models.TextChoices):
    """致贫原因 (13 因婚 and 14 产业扶贫失败 appear as 返贫原因 in some systems)."""

    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    DISASTER = "04", _("因灾")
    LAND = "05", _("缺土地")
    WATER = "06", _("缺水")
    SKILLS = "07", _("缺技术")
    LABOUR = "08", _("缺劳力")
    FUNDS = "09", _("缺资金")
    TRANSPORT = "10", _("交通条件落后")
    MOTIVATION = "11", _("自身发展动力不足")
    OTHER = "12", _("其他")
    MARRIAGE = "13", _("因婚")
    INDUSTRY_FAILURE = "14", _("产业扶贫失败")


class Standard(models.TextChoices):
    NATIONAL = "1", _("国家标准")
    PROVINCIAL = "2", _("省定标准")
    MUNICIPAL = "3", _("市定标准")


class PovertyStatus(models.TextChoices):
    """脱贫标志. Empty for a household that was never registered (一般农户)."""

    NOT_EXITED = "not_exited", _("未脱贫")
    EXITED = "exited", _("已脱贫")
    PRE_EXIT = "pre_exit", _("预脱贫")
    RETURNED = "returned", _("返贫")


class StatusEventKind(models.TextChoices):
    REGISTERED = "registered", _("建档立卡")
    EXITED = "exited", _("脱贫")
    RETURNED = "returned", _("返贫")
    STATUS = "status", _("状态调整")
    REMOVED = "removed", _("清退")
    CLOSED = "closed", _("注销")


class CloseReason(models.TextChoices):
    ALL_DECEASED = "deceased", _("整户死亡")
    MOVED_OUT = "moved_out", _("整户迁出")
    MERGED = "merged", _("并户")
    DUPLICATE = "duplicate", _("重复建档")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT = "01", _("居民身份证")
    DISABILITY = "02", _("残疾人证")
    OFFICER = "03", _("中国人民解放军军官证")


class Sex(models.TextChoices):
    MALE = "1", _("男")
    FEMALE = "2", _("女")


class Relation(models.TextChoices):
    HEAD = "01", _("户主")
    SPOUSE = "02", _("配偶")
    SON = "03", _("之子")
    DAUGHTER = "04", _("之女")
    DAUGHTER_IN_LAW = "05", _("之儿媳")
    SON_IN_LAW = "06", _("之女婿")
    GRANDSON = "07", _("之孙子")
    GRANDDAUGHTER = "08", _("之孙女")
    DAUGHTERS_SON = "09", _("之外孙子")
    DAUGHTERS_DAUGHTER = "10", _("之外孙女")
    FATHER = "11", _("之父")
    MOTHER = "12", _("之母")
    FATHER_IN_LAW_W = "13", _("之岳父")
    MOTHER_IN_LAW_W = "14", _("之岳母")
    FATHER_IN_LAW_H = "15", _("之公公")
    MOTHER_IN_LAW_H = "16", _("之婆婆")
    GRANDFATHER = "17", _("之祖父")
    GRANDMOTHER = "18", _("之祖母")
    MATERNAL_GRANDFATHER = "19", _("之外祖父")
    MATERNAL_GRANDMOTHER = "20", _("之外祖母")
    SIBLING = "21", _("之兄弟姐妹")
    OTHER = "99", _("其他")


ETHNIC_NAMES = [
    _("汉族"),
    _("蒙古族"),
    _("回族"),
    _("藏族"),
    _("维吾尔族"),
    _("苗族"),
    _("彝族"),
    _("壮族"),
    _("布依族"),
    _("朝鲜族"),
    _("满族"),
    _("侗族"),
    _("瑶族"),
    _("白族"),
    _("土家族"),
    _("哈尼族"),
    _("哈萨克族"),
    _("傣族"),
    _("黎族"),
    _("傈僳族"),
    _("佤族"),
    _("畲族"),
    _("高山族"),
    _("拉祜族"),
    _("水族"),
    _("东乡族"),
    _("纳西族"),
    _("景颇族"),
    _("柯尔克孜族"),
    _("土族"),
    _("达斡尔族"),
    _("仫佬族"),
    _("羌族"),
    _("布朗族"),
    _("撒拉族"),
    _("毛南族"),
    _("仡佬族"),
    _("锡伯族"),
    _("阿昌族"),
    _("普米族"),
    _("塔吉克族"),
    _("怒族"),
    _("乌孜别克族"),
    _("俄罗斯族"),
    _("鄂温克族"),
    _("德昂族"),
    _("保安族"),
    _("裕固族"),
    _("京族"),
    _("塔塔尔族"),
    _("独龙族"),
    _("鄂伦春族"),
    _("赫哲族"),
    _("门巴族"),
    _("珞巴族"),
    _("基诺族"),
]
# GB 3304 order: 01 汉族 … 56 基诺族, 97 其他, 98 外国血统中国籍人士. The stored value is the code;
# the labels are translated (English: the official romanised names).
ETHNICITY_CHOICES = [(f"{i:02d}", name) for i, name in enumerate(ETHNIC_NAMES, start=1)] + [
    ("97", _("其他")),
    ("98", _("外国血统中国籍人士")),
]


class Political(models.TextChoices):
    CPC_MEMBER = "01", _("中共党员")
    CPC_PROBATIONARY = "02", _("中共预备党员")
    LEAGUE = "03", _("共青团员")
    MASSES = "13", _("群众")


class Education(models.TextChoices):
    """文化程度 (only for people not in school)."""

    ILLITERATE = "01", _("文盲或半文盲")
    PRIMARY = "02", _("小学")
    JUNIOR = "03", _("初中")
    SENIOR = "04", _("高中")
    COLLEGE = "05", _("大专及以上")
    PRESCHOOL_CHILD = "06", _("学龄前儿童")


class SchoolStatus(models.TextChoices):
    """在校生状况 (2014–2019 codes). 01 非在校生 is kept for old files; a member in school has
    a school level and no 文化程度."""

    NOT_STUDENT = "01", _("非在校生")
    PRESCHOOL = "02", _("学前教育")
    PRIMARY = "03", _("小学")
    GRADE7 = "04", _("七年级")
    GRADE8 = "05", _("八年级")
    GRADE9 = "06", _("九年级")
    HIGH1 = "07", _("高中一年级")
    HIGH2 = "08", _("高中二年级")
    HIGH3 = "09", _("高中三年级")
    VOC1 = "10", _("中职一年级")
    VOC2 = "11", _("中职二年级")
    VOC3 = "12", _("中职三年级")
    HVOC1 = "13", _("高职一年级")
    HVOC2 = "14", _("高职二年级")
    HVOC3 = "15", _("高职三年级")
    COLLEGE = "16", _("大专及以上")


COMPULSORY_SCHOOL = {"03", "04", "05", "06"}
VOCATIONAL_SCHOOL = {"10", "11", "12", "13", "14", "15"}


class Health(models.TextChoices):
    """健康状况; a member may hold several (e.g. 残疾,长期慢性病), stored comma-joined."""

    HEALTHY = "01", _("健康")
    CHRONIC = "02", _("长期慢性病")
    SERIOUS = "03", _("患有大病")
    DISABLED = "04", _("残疾")


class DisabilityGrade(models.TextChoices):
    G1 = "1", _("一级")
    G2 = "2", _("二级")
    G3 = "3", _("三级")
    G4 = "4", _("四级")


class DisabilityCategory(models.TextChoices):
    SIGHT = "1", _("视力")
    HEARING = "2", _("听力")
    SPEECH = "3", _("言语")
    LIMB = "4", _("肢体")
    INTELLECT = "5", _("智力")
    MENTAL = "6", _("精神")
    MULTIPLE = "7", _("多重")


class LabourSkill(models.TextChoices):
    ORDINARY = "1", _("普通劳动力")
    SKILLED = "2", _("技能劳动力")
    WEAK = "5", _("弱劳动力或半劳动力")
    LOST = "3", _("丧失劳动力")
    NONE = "4", _("无劳动力")


WITH_LABOUR = {LabourSkill.ORDINARY, LabourSkill.SKILLED, LabourSkill.WEAK}


class WorkStatus(models.TextChoices):
    IN_TOWNSHIP = "01", _("乡(镇)内务工")
    IN_COUNTY = "02", _("乡(镇)外县内务工")
    IN_PROVINCE = "03", _("县外省内务工")
    OUT_OF_PROVINCE = "04", _("省外务工")
    OTHER = "05", _("其他")


MIGRANT_WORK = {"01", "02", "03", "04"}


class WelfarePost(models.TextChoices):
    FOREST_RANGER = "01", _("生态护林员")
    ROAD = "02", _("护路员")
    RIVER = "03", _("河湖巡查员")
    CLEANER = "04", _("保洁员")
    SECURITY = "05", _("治安协管员")
    CARER = "06", _("护理员")
    CIVILITY = "07", _("文明劝导员")
    OTHER = "99", _("其他")


class MemberChangeReason(models.TextChoices):
    """人员变更原因: 01–04 and 08 end a member; 05–07 add one; 00 is the first registration."""

    INITIAL = "00", _("建档登记")
    DEATH = "01", _("死亡")
    MARRIED_OUT = "02", _("嫁出")
    EMIGRATED = "03", _("出国定居")
    IMPRISONED = "04", _("判刑收监")
    MARRIED_IN = "05", _("嫁入")
    NEWBORN = "06", _("新生儿")
    OTHER_IN = "07", _("其他转入")
    OTHER_OUT = "08", _("其他转出")


JOIN_REASONS = {"00", "05", "06", "07"}
END_REASONS = {"01", "02", "03", "04", "08"}


class HouseGrade(models.TextChoices):
    A = "A", _("A级")
    B = "B", _("B级")
    C = "C", _("C级")
    D = "D", _("D级")
    OTHER = "9", _("其他")


DANGEROUS_GRADES = {"C", "D"}


class RoadType(models.TextChoices):
    DIRT = "01", _("泥土路")
    GRAVEL = "02", _("砂石路")
    CEMENT = "03", _("水泥路")
    ASPHALT = "04", _("沥青路")


class Fuel(models.TextChoices):
    FIREWOOD = "01", _("柴草")
    DUNG = "02", _("干畜粪")
    COAL = "03", _("煤炭")
    CLEAN = "04", _("清洁能源")
    OTHER = "99", _("其他")


class RelocationMode(models.TextChoices):
    WHOLE_VILLAGE = "01", _("行政村整体搬迁")
    WHOLE_GROUP = "02", _("自然村(村民小组)整体搬迁")
    INDIVIDUAL = "03", _("建档立卡贫困户个别搬迁")


class Resettlement(models.TextChoices):
    CENTRAL = "1", _("集中安置")
    SCATTERED = "2", _("分散安置")
