// etcd-go-bench: a load generator on etcd's own Go client (clientv3), for comparing etcd and RaftKV through the
// identical, cheap client (issue 19). It speaks only etcd's v3 API, so it drives any server that does.
//
// Usage mirrors `raftkv bench` so that bench/compare-etcd.sh passes the same workload arguments to either:
//
//	etcd-go-bench put|get|mixed --target etcd://127.0.0.1:2379,127.0.0.1:2380 [--clients 64] [--conns 8]
//	    [--consistency l|s] [--read-ratio 0.9] [--duration 6s] [--warmup 2s] [--key-size 8] [--val-size 256]
//	    [--key-space 10000] [--prefill] [--total N] [--json FILE] [--quiet]
//
// Clients are goroutines, each issuing one request at a time; they share --conns clientv3 connections round
// robin. Keys: key i is --key-size bytes, i big-endian in the last (up to) 8 bytes, 'k' before them -- the same
// bytes as `raftkv bench` writes. The JSON report holds every latency (nanoseconds, rounded to 3 significant
// digits, with counts) so that rounds can be merged exactly; io.raftkv.bench.etcd.GoReportImport turns it into
// the load generator's report format. The CPU the generator itself used in the measured phase is in
// environment.generatorCpuSeconds (getrusage), so client cost is reported beside server cost.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.etcd.io/etcd/clientv3"
	"google.golang.org/grpc/status"
)

type options struct {
	workload    string
	target      string
	clients     int
	conns       int
	consistency string
	readRatio   float64
	duration    time.Duration
	warmup      time.Duration
	keySize     int
	valSize     int
	keySpace    int64
	prefill     bool
	jsonFile    string
	quiet       bool
	timeout     time.Duration
	total       int64
}

func usageError(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "etcd-go-bench: "+format+"\n", args...)
	os.Exit(2)
}

func parseOptions(args []string) options {
	if len(args) < 1 || strings.HasPrefix(args[0], "-") {
		usageError("usage: etcd-go-bench put|get|mixed --target etcd://HOST:PORT[,HOST:PORT...] [flags]")
	}
	o := options{workload: args[0]}
	fs := flag.NewFlagSet("etcd-go-bench", flag.ContinueOnError)
	fs.StringVar(&o.target, "target", "", "etcd://HOST:PORT[,HOST:PORT...]")
	fs.IntVar(&o.clients, "clients", 1, "concurrent clients (one request in flight each)")
	fs.IntVar(&o.conns, "conns", 1, "gRPC connections the clients share")
	fs.StringVar(&o.consistency, "consistency", "l", "reads: l (linearizable) or s (serializable)")
	fs.Float64Var(&o.readRatio, "read-ratio", 0.9, "mixed: share of gets")
	fs.DurationVar(&o.duration, "duration", 6*time.Second, "measured phase")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured phase before it")
	fs.IntVar(&o.keySize, "key-size", 8, "key bytes")
	fs.IntVar(&o.valSize, "val-size", 256, "value bytes")
	fs.Int64Var(&o.keySpace, "key-space", 10000, "distinct keys")
	fs.BoolVar(&o.prefill, "prefill", false, "write every key once before the warm-up")
	fs.StringVar(&o.jsonFile, "json", "", "write the report as JSON to this file")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress output")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "per-request deadline")
	fs.Int64Var(&o.total, "total", 0, "issue this many requests in all instead of running for --duration (no warm-up)")
	if err := fs.Parse(args[1:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		usageError("unexpected argument %q", fs.Arg(0))
	}
	switch o.workload {
	case "put", "get", "mixed":
	default:
		usageError("workload must be put, get or mixed, got %q", o.workload)
	}
	if !strings.HasPrefix(o.target, "etcd://") {
		usageError("--target must be etcd://HOST:PORT[,HOST:PORT...], got %q", o.target)
	}
	if o.clients < 1 || o.conns < 1 || o.conns > o.clients {
		usageError("need 1 <= --conns <= --clients, got %d and %d", o.conns, o.clients)
	}
	if o.consistency != "l" && o.consistency != "s" {
		usageError("--consistency must be l or s, got %q", o.consistency)
	}
	if o.keySize < 1 || o.valSize < 0 || o.keySpace < 1 {
		usageError("--key-size, --val-size and --key-space must be positive")
	}
	if o.keySize < 8 && o.keySpace > int64(1)<<(8*uint(o.keySize)) {
		usageError("--key-size %d cannot name %d keys", o.keySize, o.keySpace)
	}
	return o
}

func (o options) endpoints() []string {
	return strings.Split(strings.TrimPrefix(o.target, "etcd://"), ",")
}

func key(o options, index int64) string {
	k := make([]byte, o.keySize)
	indexBytes := o.keySize
	if indexBytes > 8 {
		indexBytes = 8
	}
	prefix := o.keySize - indexBytes
	for i := 0; i < prefix; i++ {
		k[i] = 'k'
	}
	var be [8]byte
	binary.BigEndian.PutUint64(be[:], uint64(index))
	copy(k[prefix:], be[8-indexBytes:])
	return string(k)
}

// recorder keeps one client's latencies (nanoseconds) and errors by gRPC code, per operation kind.
type recorder struct {
	latencies map[string][]int64
	errors    map[string]int64
}

func newRecorder() *recorder {
	return &recorder{latencies: map[string][]int64{}, errors: map[string]int64{}}
}

type op func(ctx context.Context) error

func runPhase(o options, conns []*clientv3.Client, d time.Duration, ops func(r *rand.Rand, c *clientv3.Client) (string, op)) []*recorder {
	recs := make([]*recorder, o.clients)
	deadline := time.Now().Add(d)
	var issued int64
	more := func() bool {
		if o.total > 0 {
			return atomic.AddInt64(&issued, 1) <= o.total
		}
		return time.Now().Before(deadline)
	}
	var wg sync.WaitGroup
	for i := 0; i < o.clients; i++ {
		recs[i] = newRecorder()
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(i) + 1))
			c := conns[i%len(conns)]
			rec := recs[i]
			for more() {
				kind, f := ops(r, c)
				ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
				start := time.Now()
				err := f(ctx)
				elapsed := time.Since(start).Nanoseconds()
				cancel()
				if err != nil {
					rec.errors[status.Code(err).String()]++
					continue
				}
				rec.latencies[kind] = append(rec.latencies[kind], elapsed)
			}
		}(i)
	}
	wg.Wait()
	return recs
}

func workloadOps(o options, value string) func(r *rand.Rand, c *clientv3.Client) (string, op) {
	var readOpts []clientv3.OpOption
	if o.consistency == "s" {
		readOpts = append(readOpts, clientv3.WithSerializable())
	}
	put := func(r *rand.Rand, c *clientv3.Client) (string, op) {
		k := key(o, r.Int63n(o.keySpace))
		return "put", func(ctx context.Context) error { _, err := c.Put(ctx, k, value); return err }
	}
	get := func(r *rand.Rand, c *clientv3.Client) (string, op) {
		k := key(o, r.Int63n(o.keySpace))
		return "get", func(ctx context.Context) error { _, err := c.Get(ctx, k, readOpts...); return err }
	}
	switch o.workload {
	case "put":
		return put
	case "get":
		return get
	default:
		return func(r *rand.Rand, c *clientv3.Client) (string, op) {
			if r.Float64() < o.readRatio {
				return get(r, c)
			}
			return put(r, c)
		}
	}
}

func prefill(o options, conns []*clientv3.Client, value string) error {
	var wg sync.WaitGroup
	errs := make(chan error, o.clients)
	for i := 0; i < o.clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := conns[i%len(conns)]
			for k := int64(i); k < o.keySpace; k += int64(o.clients) {
				ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
				_, err := c.Put(ctx, key(o, k), value)
				cancel()
				if err != nil {
					errs <- fmt.Errorf("prefill of key %d: %v", k, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// round3 keeps 3 significant digits, as the Java side's HdrHistogram does: the report stays small.
func round3(v int64) int64 {
	if v < 1000 {
		return v
	}
	scale := int64(math.Pow10(int(math.Floor(math.Log10(float64(v)))) - 2))
	return (v / scale) * scale
}

func percentile(sorted []int64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(sorted[i]) / 1e6
}

func main() {
	o := parseOptions(os.Args[1:])
	value := strings.Repeat("v", o.valSize)
	conns := make([]*clientv3.Client, o.conns)
	for i := range conns {
		c, err := clientv3.New(clientv3.Config{Endpoints: o.endpoints(), DialTimeout: 5 * time.Second})
		if err != nil {
			fmt.Fprintf(os.Stderr, "etcd-go-bench: cannot connect to %s: %v\n", o.target, err)
			os.Exit(3)
		}
		defer c.Close()
		conns[i] = c
	}
	if o.prefill {
		if err := prefill(o, conns, value); err != nil {
			fmt.Fprintf(os.Stderr, "etcd-go-bench: %v\n", err)
			os.Exit(3)
		}
	}
	ops := workloadOps(o, value)
	if o.warmup > 0 && o.total == 0 {
		runPhase(o, conns, o.warmup, ops)
	}
	startedAt := time.Now().UTC()
	cpuBefore := cpuSeconds()
	recs := runPhase(o, conns, o.duration, ops)
	seconds := time.Since(startedAt).Seconds()
	cpuUsed := cpuSeconds() - cpuBefore
	if cpuBefore < 0 {
		cpuUsed = -1
	}

	all := map[string][]int64{}
	errs := map[string]int64{}
	var operations int64
	for _, r := range recs {
		for kind, l := range r.latencies {
			all[kind] = append(all[kind], l...)
			operations += int64(len(l))
		}
		for code, n := range r.errors {
			errs[code] += n
		}
	}
	latency := map[string]map[string]float64{}
	counts := map[string][][2]int64{}
	for kind, l := range all {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		latency[kind] = map[string]float64{"count": float64(len(l)), "p50": percentile(l, 50),
			"p99": percentile(l, 99), "max": percentile(l, 100)}
		var pairs [][2]int64
		for _, v := range l {
			v = round3(v)
			if n := len(pairs); n > 0 && pairs[n-1][0] == v {
				pairs[n-1][1]++
			} else {
				pairs = append(pairs, [2]int64{v, 1})
			}
		}
		counts[kind] = pairs
	}
	throughput := float64(operations) / seconds
	{
		fmt.Printf("etcd-go-bench %s %s clients=%d conns=%d\n", o.workload, o.target, o.clients, o.conns)
		line := fmt.Sprintf("%.0f ops/s over %.1f s, %d ops, %d errors", throughput, seconds, operations, sum(errs))
		for _, kind := range []string{"put", "get"} {
			if s, ok := latency[kind]; ok {
				line += fmt.Sprintf("; %s p50 %.2f ms p99 %.2f ms", kind, s["p50"], s["p99"])
			}
		}
		fmt.Println(line)
	}
	if o.jsonFile != "" {
		report := map[string]interface{}{
			"target": o.target,
			"options": map[string]interface{}{"workload": o.workload, "clients": o.clients, "conns": o.conns,
				"consistency": o.consistency, "readRatio": o.readRatio, "keySize": o.keySize,
				"valueSize": o.valSize, "keySpace": o.keySpace, "duration": o.duration.String(),
				"warmup": o.warmup.String(), "client": "etcd clientv3 (Go)"},
			"environment": map[string]interface{}{"cores": runtime.NumCPU(), "go": runtime.Version(),
				"generatorCpuSeconds": cpuUsed},
			"startedAt":     startedAt.Format(time.RFC3339),
			"seconds":       seconds,
			"operations":    operations,
			"throughput":    throughput,
			"errors":        errs,
			"latencyCounts": counts,
		}
		data, err := json.Marshal(report)
		if err == nil {
			err = os.WriteFile(o.jsonFile, data, 0o644)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "etcd-go-bench: cannot write %s: %v\n", o.jsonFile, err)
			os.Exit(1)
		}
	}
	if sum(errs) > 0 && operations == 0 {
		os.Exit(3)
	}
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
