"""Chinese rules: "总经理王明强", "由X出任…CEO", "向X汇报", "成立", "并入", "旗下".

Chinese has no spaces, so the templates glue placeholders straight to the
words around them. New person names are taken only in title and appointment
slots (a common surname and one or two characters before a verb or mark).
"""

from __future__ import annotations

import re

from . import actions as a
from .core import OPEN, TOKEN, rule_table

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
             "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤俞")
NAME = rf"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?(?=出任|担任|将|表示|为|任|说|兼|接任|接替|调任|升任|汇报|直接|负责|，|,|、|。|和|与|向|（|\(|$)"
PN = rf"(?P<p>{{P}}|{NAME})"
_TITLE_WORD = (r"(?:副|首席|高级|执行)?(?:总经理|总裁|CEO|首席执行官|负责人|总监|董事长|首席财务官|CFO|首席法务官|院长|"
               r"主任|部长|首席[\u4e00-\u9fff]{1,4}官|主席|总负责人)")
# "董事长兼CEO": one title made of several
TITLE = rf"(?P<t>{_TITLE_WORD}(?:兼(?:任)?{_TITLE_WORD})*)"
# A unit's kind word standing for the unit just named ("由陈晨担任事业群总裁").
KIND_WORD = r"(?:事业群|事业部|公司|中心|部门|实验室|研究院)?"
PAREN = r"(?:[(（][^)）]{0,30}[)）])?"
# A Chinese list of units: "A、B、C和D", each possibly followed by a name in brackets.
ZUL = rf"({TOKEN['U']}(?:\s*{PAREN}\s*(?:将|已)?(?:、|和|与|及|以及|同|跟|,|，)\s*{TOKEN['U']})*)"

# "原A总经理X调任B总经理": A is where X was, not where X is; "原A负责人X继续领导" still holds
FORMER_MOVED = r"(?:(?<![原前])|(?![^。；，,]*?(?:调任|改任|转任|升任|出任|接任|离任|卸任)))"

GROUP_NAME = re.compile(r"集团$")
CARRY_DATE = re.compile(r"^(?:当时|他|她|其)")
SIGNATURE = r"^[^。！？]{2,30}$"
SIGNATURE_TITLE = re.compile(TITLE.replace("(?P<t>", "(?:"))
LETTER = re.compile(r"(?:发布|发出|发)(?:了)?(?:一封)?内部(?:信|邮件)")

_UNIT_WORDS = r"(?:事业群|事业部|集团|中心|部门|委员会|团队|板块|公司|实验室|研究院|研究所|工作室|小组|部)"
_UNIT_AFTER = re.compile(r"(?:(?<=成立|设立|组建|下设|包括|新设|增设)|(?<=合并为|合并成|整合为|整合成|更名为))(?!立)(?:了|新的|一个)?"
                         rf"([\u4e00-\u9fffA-Za-z0-9]{{2,12}}?{_UNIT_WORDS})")
_UNIT_NEXT = re.compile(rf"(?:、|和|与|及|以及)([\u4e00-\u9fffA-Za-z0-9]{{2,12}}?{_UNIT_WORDS})")
_GROUP_AT_START = re.compile(r"(?:(?<=[，。、；：“”\s])|^)(?!直接|向|由|将|并|在|对|从|与|和|同时|此外|另外)"
                             r"[\u4e00-\u9fffA-Za-z]{2,6}?集团(?!CEO|首席|董事|总裁)")
_REFERENCES = [
    (re.compile(r"新(?:成立的)?(?:事业群|集团|公司|部门|中心)|(?:该|这一|这个)(?:事业群|事业部|公司|部门|中心|实验室|团队)"), "new"),
    (re.compile(r"(?<=向)我(?=汇报)"), "author"),
    (re.compile(r"(?:(?<=[向由，,。、])|^)(?:本)?集团"), "root"),
    (re.compile(r"^(?:他|她)"), "he"),
]


def unit_candidates(text: str) -> list[tuple[int, int]]:
    """New unit names after creation verbs, and groups opening a clause ("华信集团决定…").

    Joint ventures (outside bodies) and descriptions ("…的团队") are left out.
    """
    spans = []
    for m in _UNIT_AFTER.finditer(text):
        spans.append((m.start(1), m.end(1)))
        pos = m.end(1)
        while (more := _UNIT_NEXT.match(text, pos)) is not None:  # "下设A中心和B中心"
            spans.append((more.start(1), more.end(1)))
            pos = more.end(1)
    spans += [(m.start(), m.end()) for m in _GROUP_AT_START.finditer(text)]
    return [(a, b) for a, b in spans if not re.search(r"合资|合营|的|升任|出任|担任|调任|接任|兼任|任命|改任", text[a:b])]


def references(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), ref) for pattern, ref in _REFERENCES for m in pattern.finditer(text)]


_NEW = r"新|[二三四五两几]个|成立|组建"
_MERGE = r"合并|原"

RULES = rule_table([
    ("zh.chengli", r"(?:成立|设立|组建|新设|增设)(?:了|新的|一个)*(?P<u>{U})", a.create(False), 0.85),
    ("zh.chengli-yu", rf"(?P<u>{{U}}){PAREN}[^；]{{0,30}}?(?:成立于|创立于|创建于|上线于)", a.create(False), 0.75),
    ("zh.bingru", rf"(?P<u>{ZUL})(?:将|已)?(?:整体|全面)?(?:并入|划入|划归|归入|调整至|调整到|转入|调入|归属于?)(?P<into>{{U}})",
     a.merge_or_move(r"(?!)", r"(?!)"), 0.75),
    ("zh.hebing", rf"(?P<u>{ZUL})(?:将|已)?(?:合并|整合)(?P<into>[，,]?(?:为|成|成立|组建)[^，。；{OPEN}]{{0,8}}?{ZUL})",
     a.merge_or_move(_NEW, r"合并|整合"),
     0.75),
    ("zh.zhenghe", rf"(?P<parent>{{U}})(?:将)?(?:全面|进一步)?(?:整合|吸收)(?P<u>{ZUL})", a.place("move_unit"), 0.7),
    ("zh.qixia", rf"(?P<parent>{{U}})(?:旗下|之下|下属|下设)(?:的)?(?:[\u4e00-\u9fff]{{0,6}}(?:包括|有))?(?P<u>{ZUL})",
     a.place("record_unit"), 0.6),
    ("zh.yewu-baokuo", rf"(?P<parent>{{U}})的(?:[\u4e00-\u9fff]{{0,4}})?(?:业务|子公司|板块)(?:包括|有|涵盖)(?P<u>{ZUL})",
     a.place("record_unit"), 0.6),
    ("zh.prefix", rf"(?P<parent>{{U}})(?P<u>{{U}}){PAREN}{TITLE}", a.place("record_unit"), 0.5),
    ("zh.gengming", r"(?P<unit>{U})(?:正式)?更名为(?P<new>{U}|[\u4e00-\u9fffA-Za-z0-9]{2,12})", a.rename(), 0.7),
    ("zh.title-name", rf"{FORMER_MOVED}(?P<u>{{U}}){PAREN}(?:的)?{TITLE}{PN}", a.appoint(units_default="none"), 0.8),
    ("zh.you-churen", rf"由{PN}(?:出任|担任|兼任)(?P<u>{{U}})?{KIND_WORD}{TITLE}", a.appoint(), 0.8),
    ("zh.you-fuze", rf"(?:(?P<u>{{U}}){PAREN}(?:将|则|改|仍|继续)?)?由{PN}(?:全面|直接)?(?:负责|领导|牵头|带领)(?![\u4e00-\u9fff]{{0,3}}(?:工作|业务|项目))",
     a.appoint(title="负责人"), 0.65),
    ("zh.churen", rf"{PN}(?:接替(?:{{P}}|{NAME}))?(?:将)?(?:出任|担任|兼任|接任|调任|升任|改任|任)(?P<u>{ZUL})?(?:的)?{KIND_WORD}{TITLE}", a.appoint(), 0.8),
    ("zh.renming", rf"任命{PN}为(?P<u>{{U}})?(?:的)?{KIND_WORD}{TITLE}", a.appoint(), 0.85),
    ("zh.list-huibao", rf"(?P<pl>(?:{{P}}|{NAME})(?:、(?:{{P}}|{NAME}))*(?:和|与|及)(?:{{P}}|{NAME}))(?:将|均|都|将分别|分别|共同)*"
                       rf"(?:直接)?向(?:[^，。；{OPEN}]|{TOKEN['U']}){{0,8}}?(?P<to>{{P}}|{NAME})(?:直接)?汇报",
     a.list_reports(r"、|和|与|及"), 0.75),
    ("zh.huibao", rf"(?:直接)?向(?:[^，。；{OPEN}]|{TOKEN['U']}){{0,8}}?(?P<to>{{P}}|{NAME})(?:直接)?汇报", a.reports(), 0.8),
])
