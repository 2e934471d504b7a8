"""Roster sheets built in memory, as XLSX or CSV uploads."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

HEADINGS = ["姓名", "角色", "街道", "社区", "单位", "手机号码"]

GOOD_ROWS = [
    ["陈志强", "社区网格员", "湖里街道", "湖里社区", "湖里社区居委会", "138 0000 1001"],
    ["林丽华", "专职安全员", "江头", "吕厝", "江头街道安全巡查队", "+86 13800001002"],
    ["黄建国", "街道小散纳管员", "350206005", "", "金山街道办事处", "13800001003"],
    ["张美玲", "物业", "殿前街道", "兴隆社区", "厦门鹭湾物业服务有限公司", "138-0000-1004"],
]

# Each bad row, and a word its error message must contain.
BAD_ROWS = [
    (["李文斌", "社区网格员", "湖里街道", "湖里社区", "", "1380000100"], "11位"),  # invalid mobile
    (["王秀英", "社区网格员", "思明街道", "", "", "13800001006"], "未知街道"),  # unknown street
    (["吴国平", "社区网格员", "湖里街道", "", "", "138 0000 1001"], "第2行"),  # duplicate within the file
    (["刘海燕", "社区网格员", "湖里街道", "吕厝社区", "", "13800001007"], "吕厝"),  # community of another street
    (["", "领导", "湖里街道", "", "", "13800001008"], "姓名"),  # missing name, unknown role
]


def xlsx_upload(rows, headings=HEADINGS, name="名单.xlsx", number_mobiles=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        values = list(row)
        if number_mobiles and values[-1].isdigit():
            values[-1] = int(values[-1])  # what Excel does to a number typed in a cell
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(
        name, output.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def csv_upload(rows, headings=HEADINGS, name="名单.csv", encoding="utf-8-sig"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), "text/csv")
