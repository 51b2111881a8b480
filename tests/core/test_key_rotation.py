"""Field encryption keys that can be rotated (issue 12.5): MultiFernet, legacy keys, rotate_field_keys."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Person
from core.fields import Undecryptable, blind_index, derived_key
from core.key_rotation import encrypted_fields, field_rotate
from core.models import AccessLog
from enforcement.models import PayeeAccount
from tests.cases.factories import PersonFactory

pytestmark = pytest.mark.django_db

KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))
INDEX_KEY_1 = "blind-index-key-one-0123456789abcdefghijkl"
INDEX_KEY_2 = "blind-index-key-two-0123456789abcdefghijkl"


def raw_column(model, pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 — test names
        return cursor.fetchone()[0]


def under(key: str, token: str) -> str:
    return Fernet(key.encode()).decrypt(token.encode()).decode()


def run(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_field_keys", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def keys(settings):
    """Start where a deployment of today stands: no key list, values under the SECRET_KEY-derived key."""
    settings.CASEWORKS_FIELD_ENCRYPTION_KEYS = []
    settings.CASEWORKS_FIELD_ENCRYPTION_KEY = ""
    settings.CASEWORKS_BLIND_INDEX_KEY = ""
    return settings


def test_every_encrypted_field_is_found():
    labels = {f"{m._meta.label}.{f.name}" for m, f in encrypted_fields()}
    assert {"cases.Person.ssn", "enforcement.PayeeAccount.account_number", "accounts.AuthenticatorDevice.key"} <= labels


def test_first_key_encrypts_and_every_key_decrypts(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    old = PersonFactory(ssn="111223333")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    new = PersonFactory(ssn="444556666")

    assert under(KEY_A, raw_column(Person, old.pk, "ssn")) == "111223333"
    assert under(KEY_B, raw_column(Person, new.pk, "ssn")) == "444556666"
    assert Person.objects.get(pk=old.pk).ssn == "111223333"
    assert Person.objects.get(pk=new.pk).ssn == "444556666"


def test_changing_the_secret_key_no_longer_loses_ssns(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    person = PersonFactory(ssn="123456789")
    keys.SECRET_KEY = "an entirely different secret key, 0123456789 abcdefghijklmnop"
    assert Person.objects.get(pk=person.pk).ssn == "123456789"


def test_values_under_the_secret_key_derived_key_decrypt_and_rotate_under_a_fallback(keys):
    person = PersonFactory(ssn="123456789")  # no list: the SECRET_KEY-derived key encrypts
    old_secret = keys.SECRET_KEY
    assert under(derived_key(old_secret), raw_column(Person, person.pk, "ssn")) == "123456789"
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    keys.SECRET_KEY = "the new secret key after rotation, 0123456789 abcdefghijklmnop"
    keys.SECRET_KEY_FALLBACKS = [old_secret]

    out, _ = run()

    assert under(KEY_A, raw_column(Person, person.pk, "ssn")) == "123456789"
    assert "1 re-encrypted" in out
    keys.SECRET_KEY_FALLBACKS = []
    assert Person.objects.get(pk=person.pk).ssn == "123456789"


def test_rotation_across_three_key_generations(keys):
    # given: values written under the former single key, then key A, then key B
    keys.CASEWORKS_FIELD_ENCRYPTION_KEY = KEY_A
    gen1 = PersonFactory(ssn="100000001")
    account = PayeeAccount.objects.create(person=gen1, routing_number="021000021", account_number="99887766")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEY = ""
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    gen2 = PersonFactory(ssn="200000002")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_C, KEY_B, KEY_A]
    gen3 = PersonFactory(ssn="300000003")

    # when
    out, err = run(batch_size=2)

    # then: everything is under C, and C alone reads it all
    for person, ssn in ((gen1, "100000001"), (gen2, "200000002"), (gen3, "300000003")):
        assert under(KEY_C, raw_column(Person, person.pk, "ssn")) == ssn
    assert under(KEY_C, raw_column(PayeeAccount, account.pk, "account_number")) == "99887766"
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_C]
    assert [p.ssn for p in Person.objects.filter(pk__in=[gen1.pk, gen2.pk, gen3.pk]).order_by("ssn_last4")] == [
        "100000001",
        "200000002",
        "300000003",
    ]
    assert PayeeAccount.objects.get(pk=account.pk).account_number == "99887766"
    # a progress line per batch and a final count (3 people in batches of 2, plus one account)
    assert "cases.Person.ssn: 2/3 read, 2 re-encrypted" in out
    assert "cases.Person.ssn: 3/3 read, 2 re-encrypted" in out
    # gen1's index was keyed by the former single key (the index followed it): recomputed
    assert "4 values read, 3 re-encrypted, 1 blind indexes recomputed, 0 undecryptable." in out
    assert err == ""
    log = AccessLog.objects.get(kind=AccessLog.Kind.ADMIN_COMMAND)
    assert log.detail["command"] == "rotate_field_keys" and log.detail["reencrypted"] == 3


def test_a_second_run_changes_nothing(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    PersonFactory(ssn="100000001")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    run()
    out, _ = run()
    assert "1 values read, 0 re-encrypted, 0 blind indexes recomputed, 0 undecryptable." in out


def test_an_interrupted_run_resumes_where_it_stopped(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    people = [PersonFactory(ssn=f"10000000{i}") for i in range(1, 5)]
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    model, field = next((m, f) for m, f in encrypted_fields() if m is Person)

    class Stop(Exception):
        pass

    def stop_after_first_batch(report, last_pk):
        raise Stop

    with pytest.raises(Stop):
        field_rotate(model=model, encrypted=field, batch_size=2, progress=stop_after_first_batch)

    done = [p for p in people if _is_under(KEY_B, raw_column(Person, p.pk, "ssn"))]
    assert [p.pk for p in done] == [people[0].pk, people[1].pk]  # the first batch was committed
    report = field_rotate(model=model, encrypted=field, batch_size=2)
    assert report.read == 4 and report.reencrypted == 2
    assert all(_is_under(KEY_B, raw_column(Person, p.pk, "ssn")) for p in people)


def _is_under(key: str, token: str) -> bool:
    try:
        under(key, token)
    except Exception:  # noqa: BLE001
        return False
    return True


def test_a_new_blind_index_key_recomputes_every_index(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    keys.CASEWORKS_BLIND_INDEX_KEY = INDEX_KEY_1
    person = PersonFactory(ssn="123456789")
    assert Person.objects.filter(ssn_index=blind_index("123456789")).get() == person
    keys.CASEWORKS_BLIND_INDEX_KEY = INDEX_KEY_2
    assert not Person.objects.filter(ssn_index=blind_index("123456789")).exists()

    out, _ = run()

    assert Person.objects.filter(ssn_index=blind_index("123456789")).get() == person
    assert "0 re-encrypted, 1 blind indexes recomputed" in out


def test_blind_index_key_is_its_own(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    keys.CASEWORKS_BLIND_INDEX_KEY = INDEX_KEY_1
    first = blind_index("123456789")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B]  # an encryption key change leaves the index alone
    assert blind_index("123456789") == first
    keys.CASEWORKS_BLIND_INDEX_KEY = INDEX_KEY_2
    assert blind_index("123456789") != first


def test_a_value_under_no_key_is_reported_by_table_and_id_and_never_blanked(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    good = PersonFactory(ssn="100000001")
    lost = PersonFactory(ssn="200000002")
    stranger = Fernet(Fernet.generate_key()).encrypt(b"200000002").decode()
    Person.objects.filter(pk=lost.pk).update(ssn_last4="0002")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET ssn = %s WHERE id = %s", [stranger, lost.pk])
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    with pytest.raises(CommandError, match="1 value\\(s\\) decrypt under no configured key"):
        out = io.StringIO()
        err = io.StringIO()
        call_command("rotate_field_keys", stdout=out, stderr=err)

    assert f"table cases_person id {lost.pk} (cases.Person.ssn)" in err.getvalue()
    assert raw_column(Person, lost.pk, "ssn") == stranger  # untouched
    assert under(KEY_B, raw_column(Person, good.pk, "ssn")) == "100000001"  # the rest went on
    assert "1 undecryptable" in out.getvalue()


def test_saving_an_object_whose_value_does_not_decrypt_keeps_the_stored_value(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    person = PersonFactory(ssn="123456789")
    stored, index = raw_column(Person, person.pk, "ssn"), raw_column(Person, person.pk, "ssn_index")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B]

    loaded = Person.objects.get(pk=person.pk)
    assert loaded.ssn == "" and isinstance(loaded.ssn, Undecryptable)
    loaded.first_name = "Renamed"
    loaded.save()

    assert raw_column(Person, person.pk, "ssn") == stored
    assert raw_column(Person, person.pk, "ssn_index") == index
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert Person.objects.get(pk=person.pk).ssn == "123456789"


def test_dry_run_writes_nothing(keys):
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    person = PersonFactory(ssn="123456789")
    before = raw_column(Person, person.pk, "ssn")
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out, _ = run(dry_run=True)
    assert "1 would re-encrypt" in out
    assert raw_column(Person, person.pk, "ssn") == before
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.ADMIN_COMMAND).exists()


def test_a_malformed_key_is_refused_without_echoing_it(keys):
    from django.core.exceptions import ImproperlyConfigured

    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured) as excinfo:
        PersonFactory(ssn="123456789")
    assert "not-a-fernet-key" not in str(excinfo.value)


def test_the_keys_are_worked_out_once_and_again_when_a_key_setting_changes(keys):
    """Issue 18.1: every encrypted value read or written asks for the keys; they are kept until a
    key setting changes (``setting_changed``), then the new keys encrypt at once."""
    from core.fields import key_generations

    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_A]
    first = key_generations()
    assert key_generations() is first and first[0] == (KEY_A,)
    keys.CASEWORKS_FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert key_generations()[0] == (KEY_B, KEY_A)
    keys.SECRET_KEY_FALLBACKS = ["an-old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"]
    assert derived_key("an-old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz") in key_generations()[1]
    person = PersonFactory(ssn="777889999")
    assert under(KEY_B, raw_column(Person, person.pk, "ssn")) == "777889999"
