#!/usr/bin/env bash
# Starts the private PostgreSQL + Redis (see services.sh); `eval "$(bash scripts/start-services.sh)"` exports the URLs.
exec bash "$(dirname "$0")/services.sh" start
