"""The recording pipeline: what happens to a recording after it is uploaded.

An upload stores the original encrypted (kind ``recording_orig``) and enqueues one job
for the call in the queue (``callvault.jobs``), in the same transaction. A runner claims
due jobs and runs the steps (``steps``): on SQLite ``runner.PipelineWorker`` (the jobs
process's thread; ``runner.run_due_jobs`` for ``--once`` and tests), on PostgreSQL
``queued.QueuedPipeline`` (a procrastinate worker: ``callvault worker``). In order:

    transcribe (only if the call has no transcript) -> redact text -> scrub audio -> done

The scrubbed recording becomes the call's playable ``recording``; the original stays
encrypted, playable only with ``recording:play_unredacted``. See docs/pipeline.md.

Errors: jobs never raise past the runner. A step's exception is recorded on the job as
its class name (``reason``: never a message, which could carry PHI) and the job is
retried with exponential backoff, then left ``failed``.
"""
