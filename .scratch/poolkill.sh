cd /work/main
redis-cli -p 6411 flushall >/dev/null
args=""; for i in $(seq 0 39); do args="$args {\"class\":\"Count\",\"args\":[$i,50]}"; done
redis-cli -p 6411 rpush resque:queue:pool $args >/dev/null; redis-cli -p 6411 sadd resque:queues pool >/dev/null
REDIS_URL=redis://127.0.0.1:6411 QUEUE=pool INTERVAL=0.2 RESQUE_TERM_TIMEOUT=0.5 setsid node --import tsx src/cli/resque.ts work --require ./test/fixtures/pool-jobs.ts --count 2 --concurrency 2 > .scratch/pool.log 2>&1 &
MPID=$!
until [ "$(redis-cli -p 6411 scard test:done)" -ge 4 ]; do sleep 0.02; done
kill -9 $MPID; sleep 3; echo "workers=$(redis-cli -p 6411 scard resque:workers) done=$(redis-cli -p 6411 scard test:done)"; grep -i "error\|ERR" .scratch/pool.log | head -5
