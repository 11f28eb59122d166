"""A HuggingFace Text Generation Inference (TGI) simulator for machines without a GPU.

It serves TGI's HTTP API (``/generate``, ``/generate_stream``, ``/v1/chat/completions``,
``/v1/completions``, ``/info``, ``/health``, ``/metrics``) with deterministic text and a
configurable latency model, so clients such as ``huggingface_hub.AsyncInferenceClient``
work against it unchanged.
"""

from tgi_simulator.app import create_app
from tgi_simulator.config import SimulatorConfig
from tgi_simulator.generation import FinishReason, Generation, Token, generate
from tgi_simulator.server import running_simulator, serve

__all__ = [
    "FinishReason",
    "Generation",
    "SimulatorConfig",
    "Token",
    "create_app",
    "generate",
    "running_simulator",
    "serve",
]
