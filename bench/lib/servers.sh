# Shell functions the bench scripts share for the servers they start on 127.0.0.1:5222 (sourced, not run).

# wait_for_port NAME: until something accepts on port 5222, at most 30 s; says which server did not.
wait_for_port() {
    for _ in $(seq 1 600); do
        if (exec 3<>/dev/tcp/127.0.0.1/5222) 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    echo "$1 did not open port 5222" >&2
    return 1
}

# wait_for_exit PID: up to 20 s for a process that was asked to stop, then kill -9.
wait_for_exit() {
    for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}
