import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.validators import (
    is_valid_uscc,
    mask_mobile,
    mask_resident_id,
    normalise_mobile,
    uscc_check_character,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)


@pytest.mark.parametrize(
    "code", ["91110000600037341L", "91110108551385082Q", "91110108551385082q", " 91110000600037341L "]
)
def test_valid_uscc(code):
    validate_uscc(code)
    assert is_valid_uscc(code)


@pytest.mark.parametrize("first17", ["A1110000600037341", "N2350206MA0000001", "Y1350206000000000"])
def test_uscc_may_start_with_a_letter(first17):
    code = first17 + uscc_check_character(first17)
    validate_uscc(code)


def test_check_character_needs_the_outer_mod():
    # A sum divisible by 31 must give check character 0, not index 31.
    first17 = "00000000000000000"
    assert uscc_check_character(first17) == "0"
    validate_uscc(first17 + "0")


@pytest.mark.parametrize(
    "code, error_code",
    [
        ("91110000600037341", "uscc_length"),
        ("91110000600037341LL", "uscc_length"),
        ("", "uscc_length"),
        ("91110000600037341I", "uscc_characters"),
        ("9111000060003734OL", "uscc_characters"),
        ("91110000600037341M", "uscc_checksum"),
        ("91110000600037342L", "uscc_checksum"),
    ],
)
def test_invalid_uscc(code, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)
    assert excinfo.value.code == error_code
    assert not is_valid_uscc(code)


def test_uscc_messages_are_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_uscc("91110000600037341M")
    assert "统一社会信用代码" in excinfo.value.messages[0]


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x"])
def test_valid_resident_id(number):
    validate_resident_id(number)


@pytest.mark.parametrize(
    "number, error_code",
    [
        ("110105194912310021", "id_checksum"),
        ("11010519491331002X", "id_birth_date"),
        ("11010518000101002X", "id_birth_date"),
        ("1101051949123100", "id_format"),
        ("11010519491231002Y", "id_format"),
    ],
)
def test_invalid_resident_id(number, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number)
    assert excinfo.value.code == error_code


def test_mask_resident_id():
    assert mask_resident_id("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("13800000000", "13800000000"),
        ("138 0000 0000", "13800000000"),
        ("138-0000-0000", "13800000000"),
        ("+86 138 0000 0000", "13800000000"),
        ("+8613800000000", "13800000000"),
        ("0086 13800000000", "13800000000"),
        ("19912345678", "19912345678"),
    ],
)
def test_valid_mobiles(raw, normal):
    validate_mobile(raw)
    assert normalise_mobile(raw) == normal


@pytest.mark.parametrize(
    "raw, error_code",
    [
        ("12800000000", "mobile_invalid"),
        ("1380000000", "mobile_invalid"),
        ("1440000000012", "mobile_invalid"),  # 13-digit IoT number
        ("138000000001", "mobile_invalid"),
        ("0592-5700000", "mobile_invalid"),
        ("138abc00000", "mobile_format"),
        ("", "mobile_format"),
    ],
)
def test_invalid_mobiles(raw, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(raw)
    assert excinfo.value.code == error_code


def test_mask_mobile():
    assert mask_mobile("+86 138 1234 5678") == "138****5678"
