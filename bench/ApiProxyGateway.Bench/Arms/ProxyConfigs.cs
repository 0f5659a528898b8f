using ApiProxyGateway.Bench.Hosting;

namespace ApiProxyGateway.Bench.Arms;

/// <summary>The nginx and HAProxy configurations: the same three fronts, the same certificates, TLS 1.2/1.3, X25519 then P-256.</summary>
internal static class ProxyConfigs
{
    /// <summary>The soft descriptor limit bench/run gave us (children inherit it); each proxied connection needs two.</summary>
    private static int FileLimit => int.TryParse(Environment.GetEnvironmentVariable("BENCH_FILE_LIMIT"), out var n) ? n : 20000;

    public static string Nginx(SandboxInfo info, string directory)
    {
        var a = info.NginxAddress;
        string Upstream(string name, string verifyName, string ca, string client) => $$"""
                    proxy_pass https://{{name}};
                    proxy_http_version 1.1;
                    proxy_buffering off;
                    proxy_request_buffering off;
                    proxy_read_timeout 4h;
                    proxy_send_timeout 4h;
                    proxy_ssl_verify on;
                    proxy_ssl_verify_depth 2;
                    proxy_ssl_trusted_certificate {{info.Pki(ca)}};
                    proxy_ssl_name {{verifyName}};
                    proxy_ssl_server_name on;
                    proxy_ssl_protocols TLSv1.2 TLSv1.3;
                    proxy_ssl_certificate {{info.Pki(client + ".crt")}};
                    proxy_ssl_certificate_key {{info.Pki(client + ".key")}};
                    proxy_ssl_session_reuse on;
            """;
        string Server(int port) => $"""
                    listen {a}:{port} ssl http2 backlog=4096;
                    ssl_certificate {info.Pki("gateway.crt")};
                    ssl_certificate_key {info.Pki("gateway.key")};
                    ssl_client_certificate {info.Pki("cluster-ca.crt")};
                    ssl_verify_client on;
                    ssl_verify_depth 2;
            """;
        return $$"""
            # Written by bench/ApiProxyGateway.Bench for one run.
            user root;
            daemon off;
            master_process on;
            worker_processes 1;
            worker_rlimit_nofile {{FileLimit}};
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/nginx-error.log warn;
            events { worker_connections {{FileLimit / 2}}; multi_accept on; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                ssl_protocols TLSv1.2 TLSv1.3;
                ssl_ecdh_curve X25519:prime256v1;
                ssl_session_cache off;
                ssl_session_tickets off;
                keepalive_requests 1000000;
                keepalive_timeout 300s;
                http2_max_concurrent_streams 250;
                map $ssl_client_s_dn $client_cn { "~(^|,)CN=(?<cn>[^,]+)" $cn; default ""; }
                map $ssl_client_s_dn $client_o { "~(^|,)O=(?<o>[^,]+)" $o; default ""; }
                map $http_upgrade $connection_upgrade { default upgrade; "" ""; }
                upstream workload { server {{info.PodIps["web"]}}:8443; keepalive 256; keepalive_requests 1000000; }
                upstream apiserver { server {{info.ApiServerAddress}}:6443; keepalive 256; keepalive_requests 1000000; }
                upstream kubelet { server {{info.KubeletAddress}}:10250; keepalive 256; keepalive_requests 1000000; }
                server {
            {{Server(Topology.WorkloadPort)}}
                    location / {
            {{Upstream("workload", "web", "workload-ca.crt", "gateway-workload-client")}}
                        proxy_set_header Connection "";
                    }
                }
                server {
            {{Server(Topology.ApiServerPort)}}
                    location / {
            {{Upstream("apiserver", "kubernetes", "cluster-ca.crt", "gateway-apiserver-client")}}
                        proxy_set_header Connection "";
                        proxy_set_header Authorization "";
                        proxy_set_header Impersonate-User $client_cn;
                        proxy_set_header Impersonate-Group $client_o;
                    }
                }
                server {
            {{Server(Topology.KubeletPort)}}
                    location / {
            {{Upstream("kubelet", info.NodeName, "kubelet-serving-ca.crt", "gateway-kubelet-client")}}
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                    }
                }
            }

            """;
    }

    public static string Haproxy(SandboxInfo info, string directory)
    {
        string Pem(string name)
        {
            var path = Path.Combine(directory, name + ".pem");
            File.WriteAllText(path, File.ReadAllText(info.Pki(name + ".crt")).TrimEnd() + "\n" + File.ReadAllText(info.Pki(name + ".key")).TrimEnd() + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // it holds a private key
            }
            return path;
        }

        var serving = Pem("gateway");
        var a = info.HaproxyAddress;
        string Bind(int port) =>
            $"bind {a}:{port} ssl crt {serving} ca-file {info.Pki("cluster-ca.crt")} verify required alpn h2,http/1.1 ssl-min-ver TLSv1.2 curves X25519:P-256 no-tls-tickets";
        string Server(string address, int port, string name, string ca, string client) =>
            $"server s {address}:{port} ssl verify required ca-file {info.Pki(ca)} verifyhost {name} sni str({name}) crt {Pem(client)} alpn http/1.1 ssl-min-ver TLSv1.2 pool-max-conn -1";
        return $"""
            # Written by bench/ApiProxyGateway.Bench for one run.
            global
                nbthread 1
                maxconn {FileLimit / 2 - 100}
                tune.ssl.cachesize 0
            defaults
                mode http
                timeout connect 10s
                timeout client 4h
                timeout server 4h
                timeout tunnel 4h
                timeout http-keep-alive 300s
                option http-keep-alive
                http-reuse always
            frontend workload
                {Bind(Topology.WorkloadPort)}
                default_backend workload
            backend workload
                {Server(info.PodIps["web"], 8443, "web", "workload-ca.crt", "gateway-workload-client")}
            frontend apiserver
                {Bind(Topology.ApiServerPort)}
                http-request del-header Authorization
                http-request set-header Impersonate-User %[ssl_c_s_dn(CN)]
                http-request set-header Impersonate-Group %[ssl_c_s_dn(O)]
                default_backend apiserver
            backend apiserver
                {Server(info.ApiServerAddress, 6443, "kubernetes", "cluster-ca.crt", "gateway-apiserver-client")}
            frontend kubelet
                {Bind(Topology.KubeletPort)}
                default_backend kubelet
            backend kubelet
                {Server(info.KubeletAddress, 10250, info.NodeName, "kubelet-serving-ca.crt", "gateway-kubelet-client")}

            """;
    }
}
