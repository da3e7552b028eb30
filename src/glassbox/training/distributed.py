"""Data-parallel training on torch.distributed: how the training node uses more processes.

A run meets torch.distributed in one of three ways:

1. `training.distributed` asks for one process (the default): plain training, here.
2. It asks for more, under `kedro run` or `dvc repro`: this process starts the workers with
   PyTorch's elastic launcher (the engine behind `torchrun`), waits for them, and returns
   the trained model. On several machines each one runs the same command with the same
   `rdzv_endpoint`; the launcher's rendezvous gives every process its rank.
3. Under `torchrun ... -m kedro run --pipelines training`: this process already is one
   worker (torchrun set RANK, WORLD_SIZE, ...); it joins the group and trains its shard.

Each worker trains on its shard of every global batch (glassbox.training.loop.train) and
DDP averages the gradients, so the result matches one process up to summation order. Only
the first process on each machine (local rank 0) writes: checkpoints here, the model and
history through Kedro's catalog (hooks.DistributedWriterHooks stops the others saving).
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

import pandas as pd
import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.elastic.multiprocessing.errors import ChildFailedError, record

from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.loop import TrainingData, build_trained_model, choose_device, train
from glassbox.training.params import TrainingParams
from glassbox.training.ranks import launched_by_torchrun


def backend_for(params: TrainingParams) -> str:
    """gloo on CPU, nccl on CUDA, unless `training.distributed.backend` names one."""
    backend = params.distributed.backend
    on_cuda = choose_device(params.device).type == "cuda"
    if backend == "auto":
        return "nccl" if on_cuda else "gloo"
    if backend == "nccl" and not on_cuda:
        raise RuntimeError(
            "training.distributed.backend is 'nccl', which needs CUDA, but training runs on "
            "the CPU. Use backend: gloo (or auto)."
        )
    return backend


def train_as_configured(
    data: TrainingData, params: TrainingParams, checkpoints: CheckpointStore | None
) -> tuple[nn.Module, pd.DataFrame]:
    """Train as `training.distributed` says: here, in launched workers, or as a worker."""
    if launched_by_torchrun():
        return _train_in_group(data, params, checkpoints)
    if params.distributed.world_size == 1:
        return train(data, params, checkpoints)
    return _launch_workers(data, params, checkpoints)


def _train_in_group(
    data: TrainingData, params: TrainingParams, checkpoints: CheckpointStore | None
) -> tuple[nn.Module, pd.DataFrame]:
    """This process's part of a run whose group torchrun or the launcher set up (env://)."""
    local_rank = int(os.environ["LOCAL_RANK"])
    if choose_device(params.device).type == "cuda":
        torch.cuda.set_device(local_rank)
    # CPU threads: glassbox's policy (glassbox/thread_policy.py) or the user's OMP_NUM_THREADS,
    # inherited from the launching process; torchrun sets OMP_NUM_THREADS=1 too.
    dist.init_process_group(backend_for(params))
    try:
        return train(
            data,
            params,
            checkpoints,
            rank=dist.get_rank(),
            world_size=dist.get_world_size(),
            writer=local_rank == 0,
        )
    finally:
        dist.destroy_process_group()


@record  # the worker's exception reaches the launching process (ChildFailedError)
def _worker(data_file: str, params_json: str, checkpoint_file: str, result_file: str) -> None:
    """One launched process: loads the shared data, trains, and (local rank 0) saves."""
    # A spawned process has no logging set up; local rank 0 reports progress for all.
    first = os.environ["LOCAL_RANK"] == "0"
    logging.basicConfig(
        level=logging.INFO if first else logging.WARNING,
        format=f"%(asctime)s [training rank {os.environ['RANK']}] %(levelname)s %(message)s",
    )
    saved = torch.load(data_file, mmap=True, weights_only=True)
    data = TrainingData(**saved)
    params = TrainingParams.model_validate_json(params_json)
    checkpoints = CheckpointStore(checkpoint_file) if checkpoint_file else None
    model, history = _train_in_group(data, params, checkpoints)
    if first:
        state = {k: v.cpu() for k, v in model.state_dict().items()}
        torch.save({"model": state, "history": history.to_dict("list")}, result_file)


def _launch_workers(
    data: TrainingData, params: TrainingParams, checkpoints: CheckpointStore | None
) -> tuple[nn.Module, pd.DataFrame]:
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    spec = params.distributed
    one_machine = spec.nnodes == 1 and not spec.rdzv_endpoint
    config = LaunchConfig(
        min_nodes=spec.nnodes,
        max_nodes=spec.nnodes,
        nproc_per_node=spec.nproc_per_node,
        rdzv_backend="c10d",
        # On one machine: a free local port, and a run id of its own (torchrun --standalone).
        rdzv_endpoint="localhost:0" if one_machine else spec.rdzv_endpoint,
        run_id=uuid.uuid4().hex if one_machine else spec.rdzv_id,
        max_restarts=0,
        start_method="spawn",  # fork after torch has started threads is unsafe
        monitor_interval=0.1,
    )
    # The data goes to the workers as one file they memory-map: no copy per process, and
    # no limit from the size of /dev/shm (small in containers) as with shared tensors.
    with tempfile.TemporaryDirectory(prefix="glassbox-ddp-") as tmp:
        data_file, result_file = Path(tmp) / "data.pt", Path(tmp) / "result.pt"
        torch.save(data.cpu_fields(), data_file)
        checkpoint_file = str(checkpoints.path.resolve()) if checkpoints else ""
        try:
            elastic_launch(config, _worker)(
                str(data_file), params.model_dump_json(), checkpoint_file, str(result_file)
            )
        except ChildFailedError as err:
            rank, failure = err.get_first_failure()
            # The worker's own exception, as @record wrote it; its traceback is in the log.
            message = failure.message
            if isinstance(message, dict):
                message = message.get("message", message)
            raise RuntimeError(
                f"distributed training failed in worker rank {rank} (of "
                f"{spec.world_size}): {message}"
            ) from None
        result = torch.load(result_file, weights_only=True)
    model = build_trained_model(params, data)
    model.load_state_dict(result["model"])
    return model, pd.DataFrame(result["history"])
