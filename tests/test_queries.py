"""Every named query parses, carries its header, runs, and returns the report's answer.

The expected answers are written here from the report itself (values, not only counts);
a query without an expectation below fails, so each new query comes with its test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions, QueryTriples, Store

from weihai_kg.export.results import term_text
from weihai_kg.namespaces import PREFIXES, compact
from weihai_kg.query.named import NamedQuery, load_queries, run_named

ROOT = Path(__file__).resolve().parent.parent
QUERIES = load_queries(ROOT / "queries")


def rows(store: Store, name: str, *columns: str, **params: str) -> list[tuple[str, ...]]:
    result = run_named(store, QUERIES[name], params)
    assert isinstance(result, QuerySolutions)
    out = []
    for solution in result:
        out.append(tuple(_plain(solution[c]) for c in columns))
    return out


def _plain(term: object) -> str:
    text = term_text(term)
    return re.sub(r"@(ko|en|zh(-han[st])?)$", "", text)


def test_there_are_at_least_fifteen_questions() -> None:
    assert len([n for n in QUERIES if not n.startswith("checks/")]) >= 15


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_in_korean_english_and_chinese(name: str) -> None:
    query = QUERIES[name]
    assert set(query.titles) >= {"en", "ko", "zh"} and set(query.descriptions) >= {"en", "ko", "zh"}, name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_prefixes_agree_with_namespaces(name: str) -> None:
    for prefix, iri in re.findall(r"^PREFIX\s+(\w+):\s*<([^>]+)>", QUERIES[name].text, re.MULTILINE):
        assert PREFIXES.get(prefix) == iri, f"{name}: PREFIX {prefix}: <{iri}>"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_has_an_expected_answer(name: str) -> None:
    assert name in EXPECTED, f"write the report's answer to {name} in tests/test_queries.py"


@pytest.mark.parametrize("name", sorted(n for n in QUERIES if n.startswith("checks/")))
def test_violation_checks_return_nothing(store: Store, name: str) -> None:
    result = run_named(store, QUERIES[name])
    assert isinstance(result, QuerySolutions)
    assert list(result) == [], name


def expect_agency_projects(store: Store) -> None:
    assert rows(store, "agency-projects", "agency", "project", "investment", "currency", "asWritten", "start", "end") == [
        (
            "agent:yinggu-industrial-park-co",
            "project:weihai-china-korea-ftz-bohai-park",
            "700000000",
            "CNY",
            "7억 위안",
            "2017-03",
            "2018-01",
        ),
        ("agent:weihai-port-group", "project:china-korea-trade-ecommerce-park", "360000000", "CNY", "3.6억 위안", "2015-06", "2017-06"),
        ("agent:shandong-xindadong-co", "project:korean-goods-o2o-experience-centre", "5000000", "CNY", "500만 위안", "2015-08", "2017-08"),
        ("agent:wekoreago-co", "project:wekoreago-platform", "5000000", "CNY", "500만 위안", "2015-06", "2017-06"),
        (
            "agent:weihai-letian-korean-goods-co",
            "project:shanghanwang-ecommerce-platform",
            "2000000",
            "CNY",
            "200만 위안",
            "2014-08",
            "2016-12",
        ),
    ]


def expect_area_projects(store: Store) -> None:
    wendeng = rows(store, "area-projects", "project", "projectKo", "table")
    assert sorted(wendeng) == sorted(
        [
            ("project:wendeng-smart-tourism", "원딩구스마트관광건설", "locus:table-4"),
            ("project:wendeng-smart-public-transport", "원딩구스마트대중교통건설", "locus:table-4"),
            ("project:wendeng-underground-pipe-network", "원딩구지하관네트워크", "locus:table-4"),
            ("project:wendeng-smart-city-management-system", "원딩구스마트도시관리시스템", "locus:table-4"),
            ("project:wendeng-pingan-monitoring", "평안(平安)모니터링건설(원당구)", "locus:table-5"),
            ("project:wendeng-smart-traffic-command-system", "원당구 스마트교통지휘시스템", "locus:table-5"),
            ("project:digital-wendeng-geospatial-framework", "디지털 원당지리공간프레임 건설(원당구)", "locus:table-5"),
            ("project:wendeng-social-management-information-platform", "사회관리서비스종합정보플랫폼 건설(원당구)", "locus:table-5"),
            ("project:wendeng-government-digital-centre", "원당구정부디지털센터(원당구)", "locus:table-5"),
        ]
    )
    huancui = rows(store, "area-projects", "projectKo", "sectorEn", area=PREFIXES["place"] + "huancui")
    assert sorted(huancui) == [
        ("디지털CCTV모니터링센터(환추이구)", "Public security"),
        ("사회관리서비스센터(환추이구)", "Social management"),
    ]
    rushan = rows(store, "area-projects", "projectKo", area=PREFIXES["place"] + "rushan")
    assert sorted(rushan) == sorted(
        [
            ("류산(乳山)시농촌전자상거래상플랫폼",),
            ("루산시인터넷+교통",),
            ("루산시 스마트교통지휘센터건설",),
            ("사회관리서비스지휘플랫폼(루산시)",),
        ]
    )
    rongcheng = rows(store, "area-projects", "projectKo", area=PREFIXES["place"] + "rongcheng")
    assert sorted(rongcheng) == sorted([("룡청스마트관광건설",), ("룡청사회거버너스정보화플랫폼사업(룡청구)",), ("디지털 룡청지리공간프레임 건설(룡청시)",)])


def expect_projects_per_area(store: Store) -> None:
    assert rows(store, "projects-per-area", "area", "areaZh", "projects") == [
        ("place:wendeng", "文登区", "9"),
        ("place:rushan", "乳山市", "4"),
        ("place:rongcheng", "荣成市", "3"),
        ("place:huancui", "环翠区", "2"),
    ]
    spellings = {r[0]: set(r[1].split(" / ")) for r in rows(store, "projects-per-area", "area", "spellings")}
    assert spellings["place:wendeng"] == {"원당구", "원딩구"}
    assert spellings["place:rushan"] == {"루산시", "류산"}
    assert spellings["place:rongcheng"] == {"룡청시", "룡청구", "룡청"}


def expect_korea_projects_investment(store: Store) -> None:
    assert rows(store, "korea-projects-investment", "projects", "total", "currencyCode") == [("5", "1072000000", "CNY")]


def expect_projects_in_month(store: Store) -> None:
    june_2016 = {r[0] for r in rows(store, "projects-in-month", "project")}
    assert june_2016 == {
        "project:shanghanwang-ecommerce-platform",
        "project:china-korea-trade-ecommerce-park",
        "project:wekoreago-platform",
        "project:korean-goods-o2o-experience-centre",
    }
    assert {r[0] for r in rows(store, "projects-in-month", "project", month="2017-06")} == {
        "project:weihai-china-korea-ftz-bohai-park",
        "project:china-korea-trade-ecommerce-park",
        "project:wekoreago-platform",
        "project:korean-goods-o2o-experience-centre",
    }
    assert rows(store, "projects-in-month", "project", month="2014-07") == []
    assert rows(store, "projects-in-month", "project", month="2018-01") == [("project:weihai-china-korea-ftz-bohai-park",)]


def expect_action_plan_targets(store: Store) -> None:
    assert rows(store, "action-plan-targets", "task", "year", "quantity") == [
        ("task:cbec-entity-clusters", "2015", "10"),
        ("task:cbec-entity-clusters", "2016", "15"),
        ("task:cbec-entity-clusters", "2017", "25"),
        ("task:cbec-industrial-parks", "2015", "1"),
        ("task:cbec-industrial-parks", "2016", "2"),
        ("task:cbec-industrial-parks", "2017", "2"),
        ("task:public-overseas-warehouses", "2015", "1"),
        ("task:public-overseas-warehouses", "2016", "2"),
        ("task:public-overseas-warehouses", "2017", "2"),
    ]


def expect_incheon_weihai_links(store: Store) -> None:
    found = set(rows(store, "incheon-weihai-links", "cooperation", "partnerEn", "link", "itemKo"))
    assert found == {
        ("coop:incheon-ecommerce-exchange", "Incheon", "activity", "전자상거래의 공동의제연구"),
        ("coop:incheon-ecommerce-exchange", "Incheon", "activity", "전자상거래기업 교류·협력 조직"),
        ("coop:incheon-ecommerce-exchange", "Incheon", "activity", "한중 국제전자상거래기업 포럼"),
        ("coop:incheon-ecommerce-exchange", "Incheon", "activity", "연수프로그램"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "role", "한중상품의 중요 집산지"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "role", "산업융합 선형지"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "role", "첨단서비스업협력지"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "role", "한중쌍방협력제도 혁신지역"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "field", "무역"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "field", "투자"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "field", "서비스 산업"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "pilot policy", "해륙복합"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "pilot policy", "해운특송"),
        ("coop:fta-pilot-zone", "Incheon Free Economic Zone", "pilot policy", "국제전자상거래 업종"),
    }


def expect_projects_per_sector(store: Store) -> None:
    found = rows(store, "projects-per-sector", "table", "sectorKo", "declared", "found")
    assert found == [
        ("locus:table-2", "종합상품", "8", "8"),
        ("locus:table-2", "농어업·가공", "7", "7"),
        ("locus:table-2", "한국상품·물류", "4", "4"),
        ("locus:table-2", "창업·인큐베이팅", "2", "2"),
        ("locus:table-2", "기타", "1", "1"),
        ("locus:table-4", "교육", "5", "5"),
        ("locus:table-4", "교통", "3", "3"),
        ("locus:table-4", "관광", "2", "2"),
        ("locus:table-4", "인프라", "1", "1"),
        ("locus:table-4", "도시관리", "1", "1"),
        ("locus:table-5", "치안", "7", "7"),
        ("locus:table-5", "사회관리", "4", "4"),
        ("locus:table-5", "국토", "2", "2"),
        ("locus:table-5", "교통", "2", "2"),
    ]
    assert {r[0] for r in rows(store, "projects-per-sector", "plan")} == {"plan:weihai-internet-plus-plan"}


def expect_fact_provenance(store: Store) -> None:
    found = rows(store, "fact-provenance", "predicate", "object", "where", "lineStart", "citedSource", "pageStart", "pageEnd")
    investment = [r for r in found if r[0] == "wh:totalInvestment"]
    assert investment == [
        ("wh:totalInvestment", "qty:china-korea-trade-ecommerce-park-investment", "locus:s3-p3", "89", "", "", ""),
        (
            "wh:totalInvestment",
            "qty:china-korea-trade-ecommerce-park-investment",
            "locus:t3-r5",
            "104",
            "plan:weihai-internet-plus-plan",
            "10",
            "14",
        ),
    ]
    sector = [r for r in found if r[0] == "wh:sector"]
    assert sector == [("wh:sector", "sector:korean-goods-logistics", "locus:t2-r3-i4", "83", "plan:weihai-internet-plus-plan", "10", "14")]
    fn = rows(
        store,
        "fact-provenance",
        "predicate",
        "where",
        "citedSource",
        "pageStart",
        "pageEnd",
        entity=PREFIXES["concept"] + "role-distribution-hub",
    )
    assert ("skos:prefLabel", "locus:s1-p2", "plan:weihai-13th-five-year-plan", "87", "90") in fn


def expect_entity_names(store: Store) -> None:
    assert set(rows(store, "entity-names", "kind", "language", "name", "statedIn")) == {
        ("preferred", "ko", "루산시", "locus:t4-r3-i3"),
        ("preferred", "ko", "루산시", "locus:t5-r2-i2"),
        ("preferred", "ko", "루산시", "locus:t5-r4-i4"),
        ("alternative", "ko", "류산", "locus:t2-r2-i6"),
        ("Chinese as given", "zh", "乳山", "locus:t2-r2-i6"),
        ("preferred", "zh-hans", "乳山市", "graph:external"),
        ("preferred", "en", "Rushan", "graph:translations"),
    }
    wekoreago = rows(store, "entity-names", "language", "name", entity=PREFIXES["platform"] + "wekoreago")
    assert ("zh-hans", "威韩购") in wekoreago and ("ko", "WeKoreago") in wekoreago


def expect_plans(store: Store) -> None:
    assert rows(store, "plans", "plan", "titleZh", "issued", "declaredAreas", "declaredProjects", "projects", "keyTasks", "measures") == [
        ("plan:weihai-13th-five-year-plan", "威海市国民经济和社会发展第十三个五年规划纲要", "", "", "", "0", "0", "2"),
        ("plan:weihai-cbec-action-plan", "威海市跨境电子商务发展行动计划", "2015-10-26", "", "", "0", "6", "3"),
        ("plan:weihai-internet-plus-plan", "威海市推进“互联网+”行动实施方案", "2016-02-22", "12", "155", "50", "0", "0"),
    ]


def expect_wekoreago(store: Store) -> None:
    found = set(rows(store, "wekoreago", "aspect", "value"))
    assert {
        ("launched", "2015-12"),
        ("business model", "B2C"),
        ("minimum delivery days", "10"),
        ("maximum delivery days", "15"),
        ("website", "<http://www.wekoreago.com>"),
        ("name", "威韩购"),
        ("operator", "WeKoreaGo E-commerce Co., Ltd."),
    } <= found
    services = {v for a, v in found if a == "service"}
    assert services == {"Product display", "Transactions", "Logistics", "Customs clearance", "Tax refund", "Storage", "Payment", "Finance"}
    assert len({v for a, v in found if a == "involved in"}) == 4


def expect_report_sources(store: Store) -> None:
    found = rows(store, "report-sources", "citing", "source", "pageStart", "pageEnd", "inAppendix")
    assert found == [
        ("locus:fn-1", "plan:weihai-13th-five-year-plan", "5", "5", ""),
        ("locus:fn-2", "plan:weihai-13th-five-year-plan", "87", "90", ""),
        ("locus:fig-1", "<http://weihai.dzwww.com/jjxw/201512/t20151220_13531546.htm>", "", "", ""),
        ("locus:fig-1", "<http://www.wekoreago.com>", "", "", ""),
        ("locus:table-1", "plan:weihai-cbec-action-plan", "", "", ""),
        ("locus:table-2", "plan:weihai-internet-plus-plan", "10", "14", "true"),
        ("locus:table-3", "plan:weihai-internet-plus-plan", "10", "14", "true"),
        ("locus:table-4", "plan:weihai-internet-plus-plan", "15", "18", "true"),
        ("locus:table-5", "plan:weihai-internet-plus-plan", "15", "18", "true"),
        ("locus:source-1", "plan:weihai-internet-plus-plan", "", "", ""),
        ("locus:source-2", "plan:weihai-cbec-action-plan", "", "", ""),
        ("locus:source-3", "plan:weihai-13th-five-year-plan", "", "", ""),
        ("locus:source-4", "<http://weihai.dzwww.com/jjxw/201512/t20151220_13531546.htm>", "", "", ""),
        ("locus:source-5", "<http://www.wekoreago.com>", "", "", ""),
    ]


def expect_spelling_variants(store: Store) -> None:
    found = set(rows(store, "spelling-variants", "entity", "variantKo"))
    assert {
        ("place:wendeng", "원딩구"),
        ("place:rushan", "류산"),
        ("place:rongcheng", "룡청구"),
        ("place:rongcheng", "룡청"),
        ("plan:weihai-cbec-action-plan", "웨이하이시국제전자상거래상거래 발전행동계획"),
        ("project:korean-goods-o2o-experience-centre", "한국상품온라인국제전자상거래020 종합체험센터"),
        ("agent:wekoreago-co", "WeKoreaGo전자상거래종합상거래유한공사"),
        ("coop:fta-pilot-zone", "한중자유무역경제합작시범구"),
    } <= found


def expect_floor_areas(store: Store) -> None:
    # a figure the report states in ㎡ stands in its row; a conversion from 평 only in graph:derivations
    assert rows(store, "floor-areas", "project", "squareMetres", "statedValue", "statedUnit", "squareMetresFrom") == [
        ("project:weihai-china-korea-ftz-bohai-park", "240000", "240000", "㎡", "locus:t3-r1"),
        ("project:shanghanwang-ecommerce-platform", "29752.07", "9000", "평", "graph:derivations"),
        ("project:korean-goods-o2o-experience-centre", "9917.36", "3000", "평", "graph:derivations"),
    ]


def expect_links_to_other_datasets(store: Store) -> None:
    found = rows(store, "links-to-other-datasets", "entity", "link", "target", "sources")
    by = {(e, link): (target, sources) for e, link, target, sources in found}
    # the areas, the countries and the universities, each with a public source
    for entity in ["place:weihai", "place:huancui", "place:wendeng", "place:rongcheng", "place:rushan", "place:shandong"]:
        assert (entity, "GB/T 2260 code") in by, entity
    assert by["place:weihai", "GB/T 2260 code"][0] == "371000"
    assert by["place:rushan", "GB/T 2260 code"][0] == "371083"
    assert by["place:shandong", "ISO 3166 code"][0] == "CN-SD" and by["place:incheon", "ISO 3166 code"][0] == "KR-28"
    assert by["place:china", "ISO 3166 code"][0] == "CN" and by["place:korea", "ISO 3166 code"][0] == "KR"
    assert by["place:weihai", "same as"][0] == "<http://dbpedia.org/resource/Weihai>"
    assert by["agent:hit-weihai", "campus of"][0] == "<http://dbpedia.org/resource/Harbin_Institute_of_Technology>"
    assert by["agent:sdu-weihai", "campus of"][0] == "<http://dbpedia.org/resource/Shandong_University>"
    assert by["agent:weihai-vocational-college", "homepage"][0] == "<https://www.whvc.edu.cn/>"
    assert 37 < float(by["place:weihai", "latitude"][0]) < 38 and 122 < float(by["place:weihai", "longitude"][0]) < 123
    assert all(sources.startswith("https://") for _, sources in by.values())
    assert by["place:wendeng", "GB/T 2260 code"][1].startswith("https://github.com/xinz/china_admin_divisions/")


def expect_label_search(store: Store) -> None:
    smart_projects = {r[0] for r in rows(store, "label-search", "entity", "class") if r[1] == "wh:Project"}
    assert len(smart_projects) == 10
    assert {r[0] for r in rows(store, "label-search", "entity", text="乳山")} == {"place:rushan", "project:rushan-rural-ecommerce-platform"}
    assert {r[0] for r in rows(store, "label-search", "entity", text="wekoreago")} >= {
        "platform:wekoreago",
        "project:wekoreago-platform",
        "agent:wekoreago-co",
    }


def expect_agency_network(store: Store) -> None:
    result = run_named(store, QUERIES["agency-network"])
    assert isinstance(result, QueryTriples)
    triples = {(compact(t.subject.value), compact(t.predicate.value), term_text(t.object)) for t in result}
    links = {t for t in triples if t[1] in ("wh:leadAgency", "wh:inArea", "wh:sector", "wh:partOfPlan")}
    assert sum(1 for t in links if t[1] == "wh:leadAgency") == 5
    assert sum(1 for t in links if t[1] == "wh:inArea") == 18
    assert sum(1 for t in links if t[1] == "wh:sector") == 49
    assert sum(1 for t in links if t[1] == "wh:partOfPlan") == 50
    assert ("project:china-korea-trade-ecommerce-park", "wh:leadAgency", "agent:weihai-port-group") in triples


def expect_check(store: Store) -> None:
    """Checks are covered by test_violation_checks_return_nothing."""


EXPECTED = {
    "agency-projects": expect_agency_projects,
    "area-projects": expect_area_projects,
    "projects-per-area": expect_projects_per_area,
    "korea-projects-investment": expect_korea_projects_investment,
    "projects-in-month": expect_projects_in_month,
    "action-plan-targets": expect_action_plan_targets,
    "incheon-weihai-links": expect_incheon_weihai_links,
    "projects-per-sector": expect_projects_per_sector,
    "fact-provenance": expect_fact_provenance,
    "entity-names": expect_entity_names,
    "plans": expect_plans,
    "wekoreago": expect_wekoreago,
    "report-sources": expect_report_sources,
    "spelling-variants": expect_spelling_variants,
    "floor-areas": expect_floor_areas,
    "links-to-other-datasets": expect_links_to_other_datasets,
    "label-search": expect_label_search,
    "agency-network": expect_agency_network,
    "checks/sector-count-violation": expect_check,
    "checks/unlocated-statement-violation": expect_check,
    "checks/missing-english-label-violation": expect_check,
}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if not n.startswith("checks/")))
def test_query_answer(store: Store, name: str) -> None:
    EXPECTED[name](store)


def test_named_query_type() -> None:
    assert all(isinstance(q, NamedQuery) for q in QUERIES.values())
