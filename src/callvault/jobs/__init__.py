"""The job queue: durable work items with claims, leases, retries and backoff.

Today it holds one kind of job, the recording pipeline's (``RecordingJob``: one row per
call with a recording). ``callvault.calls`` queues work here and shows where a job
stands; ``callvault.pipeline`` claims jobs and does the work. This package imports
neither: it knows rows and states, not recordings.
"""
