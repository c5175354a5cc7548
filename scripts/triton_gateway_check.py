#!/usr/bin/env python3
"""Runs Triton's own Python clients (tritonclient.http and tritonclient.grpc, unmodified, from their source) against
the WPAI inference gateway serving ResNet18, and prints one line per check.

Usage: PYTHONPATH=CLIENT/src/python/library:CLIENT/src/python/library/tritonclient/grpc \
         python3 scripts/triton_gateway_check.py HOST:REST_PORT HOST:GRPC_PORT SERVICE [MODEL]
(the client's source from triton-inference-server/client; the gRPC stubs generated beside it, see README "Serve a model").
Exit code: 0 when every check passed, 1 otherwise.
"""
import sys

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

rest, grpc_address, service = sys.argv[1], sys.argv[2], sys.argv[3]
model = sys.argv[4] if len(sys.argv) > 4 else "resnet18"
results = []


def check(name, action):
    try:
        detail = action()
        results.append(True)
        print(f"PASS {name}: {detail}")
    except (InferenceServerException, AssertionError, KeyError, ValueError) as error:
        results.append(False)
        print(f"FAIL {name}: {error}")


def holds(value, otherwise):
    assert value, otherwise
    return value


image = np.random.default_rng(7).uniform(-128, 127, size=(1, 3, 224, 224)).astype(np.float32)


def http_infer(client, binary):
    inputs = [httpclient.InferInput("Input247", list(image.shape), "FP32")]
    inputs[0].set_data_from_numpy(image, binary_data=binary)
    result = client.infer(model, inputs)
    output = result.get_response()["outputs"][0]
    array = result.as_numpy(output["name"])
    assert array is not None and array.size > 0, "no output"
    return f"{output['name']} {list(array.shape)}"


def grpc_infer(client, headers=None):
    inputs = [grpcclient.InferInput("Input247", list(image.shape), "FP32")]
    inputs[0].set_data_from_numpy(image)
    result = client.infer(model, inputs, headers=headers)
    output = result.get_response().outputs[0]
    array = result.as_numpy(output.name)
    assert array is not None and array.size > 0, "no output"
    return f"{output.name} {list(array.shape)}"


# REST through the service's address: every Triton call, the service's replicas behind it.
with_service = httpclient.InferenceServerClient(f"{rest}/services/{service}", concurrency=8)
check("http service: is_server_live", lambda: holds(with_service.is_server_live(), "not live"))
check("http service: is_server_ready", lambda: holds(with_service.is_server_ready(), "not ready"))
check("http service: is_model_ready", lambda: holds(with_service.is_model_ready(model), "not ready"))
check("http service: get_server_metadata", lambda: with_service.get_server_metadata()["name"])
check("http service: get_model_metadata", lambda: [o["name"] for o in with_service.get_model_metadata(model)["outputs"]])
check("http service: get_model_config", lambda: with_service.get_model_config(model)["name"])
check("http service: infer, binary tensors", lambda: http_infer(with_service, True))
check("http service: infer, JSON tensors", lambda: http_infer(with_service, False))


def concurrent():
    inputs = [httpclient.InferInput("Input247", list(image.shape), "FP32")]
    inputs[0].set_data_from_numpy(image)
    pending = [with_service.async_infer(model, inputs) for _ in range(16)]
    answers = [p.get_result() for p in pending]
    return f"{len(answers)} answers"


check("http service: 16 concurrent async_infer", concurrent)
check("http service: get_inference_statistics", lambda: with_service.get_inference_statistics(model)["model_stats"][0]["inference_count"])

# REST through the gateway's root: the /v2/models/{model}/... routes (model-scoped calls).
root = httpclient.InferenceServerClient(rest)
check("http root: is_model_ready", lambda: holds(root.is_model_ready(model), "not ready"))
check("http root: infer", lambda: http_infer(root, True))

# gRPC through the gateway's gRPC port: routed by the model named in each request, or by wpai-service metadata.
grpc = grpcclient.InferenceServerClient(grpc_address)
check("grpc: is_server_ready", lambda: holds(grpc.is_server_ready(), "not ready"))
check("grpc: is_model_ready", lambda: holds(grpc.is_model_ready(model), "not ready"))
check("grpc: get_model_metadata", lambda: [o.name for o in grpc.get_model_metadata(model).outputs])
check("grpc: get_model_config", lambda: grpc.get_model_config(model).config.name)
check("grpc: infer (routed by model)", lambda: grpc_infer(grpc))
check("grpc: infer (wpai-service metadata)", lambda: grpc_infer(grpc, {"wpai-service": service}))
check("grpc: get_inference_statistics", lambda: grpc.get_inference_statistics(model).model_stats[0].inference_count)

print(f"{sum(results)} of {len(results)} checks passed")
sys.exit(0 if all(results) else 1)
