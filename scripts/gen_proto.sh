#!/usr/bin/env bash
# Regenerate monitor/collectors/proto/*_pb2.py(i) from the checked-in .proto files.
# Dev time only: needs `pip install grpcio-tools`; the runtime needs only `protobuf`.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m grpc_tools.protoc -I monitor/collectors/proto \
  --python_out=monitor/collectors/proto --pyi_out=monitor/collectors/proto \
  monitor/collectors/proto/*.proto
