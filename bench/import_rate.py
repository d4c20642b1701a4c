"""Rows per second of the bulk import (dry run, then import) for a 100,000-row penalty CSV.

Run against a scratch PostgreSQL database (its disclosures and audit rows are emptied first):

    createdb -h 127.0.0.1 -U postgres hi_bench_import
    export DJANGO_SETTINGS_MODULE=hangzhou_integrity.settings.local
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_bench_import
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/import_rate.py [--rows 100000] [--reupload] [--profile]

The file is generated in /tmp with realistic Chinese names and texts, valid unified social credit
codes and resident ID numbers. The import functions run in process, exactly as the Celery task
runs them (`importing.check_job` and `importing.run_job`), so the figure excludes only the broker.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hangzhou_integrity.settings.local")
# Uploaded copies of the 40 MB file go to /tmp, not to the project's var/media.
os.environ.setdefault("MEDIA_ROOT", "/tmp/hi_bench_import_media")

import django

django.setup()

from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402

from core.identifiers import resident_id_check_character, uscc_check_character  # noqa: E402
from disclosures import importing  # noqa: E402
from disclosures.choices import ImportMode  # noqa: E402
from disclosures.models import ImportJob  # noqa: E402
from organizations.choices import OrganizationKind, OrganizationLevel, Role  # noqa: E402
from organizations.demo import demo_uscc  # noqa: E402
from organizations.models import Organization, RoleAssignment, User  # noqa: E402

SCRATCH_DATABASE = "hi_bench_import"
CSV_PATH = Path("/tmp/hi_bench_import_penalties.csv")

DISTRICTS = ["上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安", "桐庐", "淳安", "建德"]
TRADE_NAMES = [
    "龙井",
    "钱江",
    "西溪",
    "运河",
    "天目",
    "良渚",
    "之江",
    "富春",
    "湖畔",
    "云栖",
    "梦想",
    "新安",
    "千岛",
    "白马",
    "吴山",
    "九溪",
    "宝石",
    "紫金",
    "星河",
    "东方",
    "华辰",
    "博远",
    "嘉禾",
    "恒泰",
]
INDUSTRIES = [
    ("餐饮管理", "有限公司"),
    ("食品", "有限公司"),
    ("建筑工程", "有限公司"),
    ("物业管理", "有限公司"),
    ("网络科技", "有限公司"),
    ("商贸", "有限公司"),
    ("汽车维修", "服务部"),
    ("药房", "连锁有限公司"),
    ("服饰", "商行"),
    ("五金", "经营部"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国志红梅海燕婷雪晨浩宇子涵欣怡"
VIOLATIONS = [
    ("虚假宣传", "在网络店铺发布含有虚假内容的商品广告，误导消费者", "《中华人民共和国广告法》第五十五条第一款"),
    ("销售过期食品", "在经营场所销售超过保质期的预包装食品", "《中华人民共和国食品安全法》第一百二十四条第一款"),
    ("未按规定公示信息", "未在规定期限内报送年度报告并向社会公示", "《企业信息公示暂行条例》第十八条"),
    ("占道经营", "擅自占用城市道路从事经营活动", "《浙江省城市市容和环境卫生管理条例》第四十二条"),
    ("无证经营", "未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条第一款"),
    ("消防设施未保持完好", "消防设施、器材未保持完好有效", "《中华人民共和国消防法》第六十条第一款第一项"),
]
HEADER = [
    "CF_XDR_MC",
    "CF_XDR_LB",
    "CF_XDR_SHXYM",
    "CF_FRDB",
    "CF_XDR_ZJLX",
    "CF_XDR_ZJHM",
    "CF_WSH",
    "CF_WFXW",
    "CF_SY",
    "CF_YJ",
    "CF_CFLB",
    "CF_NR",
    "CF_NR_FK",
    "CF_NR_WFFF",
    "CF_JDRQ",
    "CF_CFJG",
    "CF_CFJGDM",
    "CF_SJLY",
    "CF_SJLYDM",
    "BZ",
]


def company_uscc(serial: int) -> str:
    body = f"9133{random.choice(['0102', '0105', '0106', '0108', '0109', '0110'])}{serial:09d}"
    return body + uscc_check_character(body)


def resident_id(serial: int) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=serial % 14000)
    body = f"330106{birth:%Y%m%d}{serial % 1000:03d}"
    return body + resident_id_check_character(body)


def person_name() -> str:
    return random.choice(SURNAMES) + "".join(random.choices(GIVEN, k=random.choice((1, 2))))


def generate_csv(rows: int, authority: Organization, path: Path) -> None:
    random.seed(20261127)
    start = datetime.date(2024, 1, 2)
    span = (datetime.date(2026, 11, 20) - start).days
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            decided = start + datetime.timedelta(days=random.randrange(span))
            violation, facts, basis = random.choice(VIOLATIONS)
            natural = n % 10 == 0
            amount = random.choice(["0.05", "0.2", "0.5", "1", "2.5", "10"])
            confiscation = n % 7 == 0
            kinds = ["罚款", "没收违法所得"] if confiscation else random.choice([["警告"], ["罚款"], ["警告", "罚款"]])
            fine = amount if "罚款" in kinds else ""
            content = "；".join(kinds) + (f"，罚款{fine}万元" if fine else "")
            if natural:
                name, kind, uscc, representative, id_type, id_number = (
                    person_name(),
                    "自然人",
                    "",
                    "",
                    "身份证",
                    resident_id(n),
                )
            else:
                trade, (industry, suffix) = random.choice(TRADE_NAMES), random.choice(INDUSTRIES)
                name = f"杭州{random.choice(DISTRICTS)}{trade}{industry}{suffix}"
                kind = "个体工商户" if suffix in ("服务部", "商行", "经营部") else "法人及非法人组织"
                uscc, representative, id_type, id_number = company_uscc(n), person_name(), "", ""
            writer.writerow(
                [
                    name,
                    kind,
                    uscc,
                    representative,
                    id_type,
                    id_number,
                    f"杭市监罚〔{decided.year}〕{n}号",
                    violation,
                    facts,
                    basis,
                    "、".join(kinds),
                    content,
                    fine,
                    "0.3" if confiscation else "",
                    decided.isoformat(),
                    authority.name,
                    authority.uscc,
                    authority.name,
                    authority.uscc,
                    "",
                ]
            )


def bench_organization_and_user() -> tuple[Organization, User]:
    city = Organization.objects.filter(short_name="基准市政府").first() or Organization.objects.add_root(
        {
            "name": "基准测试市人民政府",
            "short_name": "基准市政府",
            "kind": OrganizationKind.GOVERNMENT,
            "level": OrganizationLevel.CITY,
            "division_code": "330100",
            "uscc": demo_uscc("330100", 90_000_001),
        }
    )
    department = Organization.objects.filter(short_name="基准市场监管局").first() or Organization.objects.add_child(
        city,
        {
            "name": "基准测试市市场监督管理局",
            "short_name": "基准市场监管局",
            "kind": OrganizationKind.DEPARTMENT,
            "level": OrganizationLevel.CITY,
            "division_code": "330100",
            "uscc": demo_uscc("330100", 90_000_002),
        },
    )
    user, _created = User.objects.get_or_create(
        username="bench-import", defaults={"organization": department, "full_name": "导入基准"}
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.STAFF, organization=department)
    return department, user


def empty_scratch_tables() -> None:
    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != SCRATCH_DATABASE:
        sys.exit(f"refusing to empty tables: point DATABASE_URL at the scratch database {SCRATCH_DATABASE}")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE disclosures_penaltydisclosure, disclosures_licensedisclosure, disclosures_importjob, "
            "core_auditevent RESTART IDENTITY CASCADE"
        )


def upload(department, user, mode) -> ImportJob:
    with CSV_PATH.open("rb") as handle:
        return importing.job_create(
            kind="penalty",
            organization=department,
            upload=File(handle, name=CSV_PATH.name),
            mode=mode,
            actor=user,
            language="zh-hans",
        )


def timed(label: str, function, job_id: int, rows: int, profile: bool) -> float:
    profiler = cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    status = function(job_id)
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # Wall time is the figure; the Python process's own CPU time shows how much of it was the
    # database's (the rest), which matters on a machine shared with other work.
    print(f"{label:<28} {status:<10} {elapsed:7.2f} s  {rows / elapsed:9,.0f} rows/s   (python cpu {cpu:6.2f} s)")
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(30)
    return elapsed


def database_floor(rows: int) -> None:
    """What the database alone needs to store `rows` records and their audit rows: the imported rows
    copied inside PostgreSQL (INSERT … SELECT, every index and foreign key), then rolled back."""
    from django.db import transaction

    table = "disclosures_penaltydisclosure"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(column_name), ', ') FROM information_schema.columns "
            "WHERE table_name = %s AND column_name NOT IN ('id', 'decision_number')",
            [table],
        )
        (columns,) = cursor.fetchone()
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO {table} ({columns}, decision_number) "
                f"SELECT {columns}, decision_number || '-floor' FROM {table} ORDER BY id LIMIT %s",
                [rows],
            )
            records = time.perf_counter() - started
            cursor.execute(
                "INSERT INTO core_auditevent (occurred_at, actor_id, actor_repr, action, target_type_id, target_id, "
                "target_repr, after, request_id, scope_path) "
                "SELECT occurred_at, actor_id, actor_repr, action || '-floor', target_type_id, target_id, target_repr, "
                "after, request_id, scope_path FROM core_auditevent ORDER BY id LIMIT %s",
                [rows],
            )
            audit = time.perf_counter() - started - records
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, now
            checks = time.perf_counter() - started - records - audit
        total = time.perf_counter() - started
        transaction.set_rollback(True)
    print(
        f"database floor: {rows:,} records {records:.2f} s + audit rows {audit:.2f} s + foreign keys {checks:.2f} s "
        f"= {total:.2f} s, {rows / total:,.0f} rows/s with no Python work at all"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mode", choices=[m.value for m in ImportMode], default=ImportMode.ALL_OR_NOTHING)
    parser.add_argument("--reupload", action="store_true", help="import the same file again (updates every draft)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--floor", action="store_true", help="also time the database alone (see database_floor)")
    options = parser.parse_args()

    empty_scratch_tables()
    department, user = bench_organization_and_user()
    started = time.perf_counter()
    generate_csv(options.rows, department, CSV_PATH)
    size = CSV_PATH.stat().st_size / 1024 / 1024
    print(f"generated {options.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f} s: {CSV_PATH}")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, mode: {options.mode}")

    rounds = 2 if options.reupload else 1
    for round_number in range(1, rounds + 1):
        job = upload(department, user, options.mode)
        check = timed(
            f"round {round_number}: check (dry run)", importing.check_job, job.pk, options.rows, options.profile
        )
        job.refresh_from_db()
        assert job.error_rows == 0, job.errors[:5]
        importing.job_confirm(job=job, actor=user)
        run = timed(f"round {round_number}: import", importing.run_job, job.pk, options.rows, options.profile)
        job.refresh_from_db()
        print(
            f"round {round_number}: created {job.created_count:,}, updated {job.updated_count:,}; "
            f"check + import {options.rows / (check + run):,.0f} rows/s"
        )
    if options.floor:
        database_floor(options.rows)


if __name__ == "__main__":
    main()
