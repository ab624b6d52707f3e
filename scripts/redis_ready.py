"""Exit 0 when the Redis server named by the URL answers PING, else 1."""

from __future__ import annotations

import sys

import redis


def main(url: str) -> int:
    try:
        return 0 if redis.Redis.from_url(url, socket_connect_timeout=3).ping() else 1
    except redis.RedisError:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
