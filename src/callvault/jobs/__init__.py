"""The job queue: durable work items with claims, leases, retries and backoff.

Today it holds one kind of job, the recording pipeline's (``RecordingJob``: one row per
call with a recording). ``callvault.calls`` queues work here and shows where a job
stands; ``callvault.pipeline`` claims jobs and does the work. This package imports
neither: it knows rows and states, not recordings.

- ``models``: ``recording_jobs`` and ``job_schedules``;
- ``service``: enqueue, claims, leases, retries and backoff (both databases);
- ``queue``: procrastinate, which carries execution on PostgreSQL (``callvault worker``);
- ``schedules``: advisory locks that keep background schedules to one run cluster-wide;
- ``status``: what ``callvault jobs status`` shows (no PHI).
"""
