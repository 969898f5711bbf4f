import ssl

import pytest

from agents.security import aiokafka_options, faust_credentials
from streams.settings import Settings


def test_plaintext_by_default():
    assert aiokafka_options(Settings()) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(Settings()) is None


def test_sasl_ssl_reaches_both_clients_and_the_password_stays_secret():
    settings = Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-512",
                        kafka_sasl_username="ingest", kafka_sasl_password="s3cret")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.model_dump())
    options = aiokafka_options(settings)
    assert options["sasl_plain_password"] == "s3cret"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    credentials = faust_credentials(settings)
    assert credentials.username == "ingest" and credentials.ssl_context is not None
    assert "s3cret" not in repr(credentials)


def test_redis_password_is_not_printed():
    settings = Settings(redis_url="rediss://:hunter2@cache.internal:6380/0")
    assert "hunter2" not in repr(settings)
    assert settings.redis_dsn() == "rediss://:hunter2@cache.internal:6380/0"


def test_unknown_protocol_is_refused():
    with pytest.raises(ValueError):
        aiokafka_options(Settings(kafka_security_protocol="CARRIER_PIGEON"))
