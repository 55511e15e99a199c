#!/usr/bin/env bash
# Stops the private PostgreSQL + Redis started by start-services.sh.
exec bash "$(dirname "$0")/services.sh" stop
