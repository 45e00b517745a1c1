# The servers the scale scripts measure, sourced by bench/scale.sh and
# bench/client_scale.sh after they set $root, $bin (build/bin) and $DELAY.

# start_servers NAME: raises the fd limit, makes the scratch directory $work
# (/tmp/slowfast-NAME-XXXXXX), the lab certificates ($certs), and starts both servers;
# on exit, whatever ends the script, they are stopped and $work removed.
start_servers() {
  ulimit -n "$(ulimit -Hn)"
  work=$(mktemp -d "/tmp/slowfast-$1-XXXXXX")
  pids=()
  trap cleanup EXIT INT TERM
  certs=$root/build/lab-certs
  "$bin/slowfast" certs --out "$certs" >/dev/null
  start_slowfast_server
  start_nginx
}

cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }

# slowfast-server on a free HTTPS port: sets sf_pid and sf_port.
start_slowfast_server() {
  "$bin/slowfast-server" --https-port 0 --http-port -1 --certs "$certs" --ready-file "$work/ready" \
    >/dev/null 2>"$work/server.log" &
  sf_pid=$!; pids+=("$sf_pid")
  for _ in $(seq 100); do [[ -s $work/ready ]] && break; sleep 0.05; done
  sf_port=$(sed -E 's/.*https=[^ ]*:([0-9]+).*/\1/' "$work/ready")
}

# nginx: two workers (one per core), the same certificate, /delay/S answered by the echo
# module's timer with the page echoed as httpbin does (so slowfast's page check holds),
# keep-alive limits raised so nothing but the handshake differs; no session tickets, as
# slowfast-server sends none (with them h2load resumes a connection instead of a full
# handshake: its clients keep their session). Sets ng_pid and ng_port.
start_nginx() {
  ng_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$work/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
worker_processes 2;
worker_rlimit_nofile 20000;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log error;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work;
  server {
    listen 127.0.0.1:$ng_port ssl backlog=4096;
    ssl_certificate $certs/server.pem;
    ssl_certificate_key $certs/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_tickets off;
    location /delay/ { echo_sleep $DELAY; echo '{"args": {"page": "\$arg_page"}}'; }
    location /get { echo '{"args": {}}'; }
  }
}
NGINX
  nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
  ng_pid=$!; pids+=("$ng_pid")
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$ng_port) 2>/dev/null && break; sleep 0.05; done
}
