"""Many machines: crawl workers on scrapy-redis, one writer.

With ``REDIS_URL`` set (see `newscrawler.cluster.addon`), a crawl is run by
any number of *workers* on any number of machines, sharing one Redis:

- the requests of a run are in one Redis queue (scrapy-redis's scheduler,
  `newscrawler.cluster.scheduler`), under keys of the run: the workers
  started together join one run (``CLUSTER_RUN``, or the run Redis calls
  current), and only the first of them makes its first requests;
- the claims on infoCodes are in the Redis store
  (`newscrawler.store.redis`). A claim travels with the article's request:
  the worker that downloads it adopts it (`newscrawler.cluster.claims`);
- a worker writes no file: it hands each item, with its claim, to a Redis
  Stream in one atomic step (`newscrawler.pipelines.handoff`);
- one *writer* (`scrapy crawl writer`, `newscrawler.spiders.writer`) reads
  the stream as a consumer group and runs the usual pipelines: posts,
  category pages, items.jsonl, the ledger. A killed writer's entries are
  read again by the next one, whose claims settle as after any kill;
- a worker leaves once the run's queue has been empty, and every worker of
  the run idle, for ``CLUSTER_IDLE_CLOSE`` seconds
  (`newscrawler.cluster.workers`).

A worker killed with SIGKILL loses the requests it had taken from the
queue; its claims lapse with its heartbeat and are given back by the next
worker to start, and the walks that listed them are not complete, so the
next run fetches them (see `newscrawler.walks`).
"""
