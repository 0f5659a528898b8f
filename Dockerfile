# ApiProxyGateway container image:   docker build -t apiproxygateway .
#
# The SDK stage restores from the project files alone, so that layer is reused until a project or a package version
# changes, then publishes a framework-dependent build. The runtime stage is the chiseled ASP.NET image: no shell, no
# package manager, a non-root user. The entry point is the gateway itself; give it flags as container arguments.
# tests/ApiProxyGateway.EndToEndTests/Deploy replays the restore and publish commands below, so keep each a single
# plain command.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src

COPY *.sln global.json Directory.Build.props Directory.Packages.props ./
COPY src/ApiProxyGateway/ApiProxyGateway.csproj src/ApiProxyGateway/
COPY src/ApiProxyGateway.Protocols/ApiProxyGateway.Protocols.csproj src/ApiProxyGateway.Protocols/
RUN dotnet restore src/ApiProxyGateway/ApiProxyGateway.csproj

# .editorconfig: the build enforces code style, as it does everywhere else. appsettings/: the build copies it
# next to the binary.
COPY .editorconfig ./
COPY appsettings/ appsettings/
COPY src/ApiProxyGateway.Protocols/ src/ApiProxyGateway.Protocols/
COPY src/ApiProxyGateway/ src/ApiProxyGateway/
RUN dotnet publish src/ApiProxyGateway/ApiProxyGateway.csproj -c Release -o /app --no-restore -p:IsWebConfigTransformDisabled=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID

# With one CPU (a CPU limit of 1, or pinned), .NET waits ten times longer (1 s instead of 100 ms without a new method
# being compiled) before it moves hot code to its optimised tier, so a replica that starts under load spends its first
# minute at up to four times the CPU per request (bench/README.md, "warm-up"). Tier up as with more CPUs.
ENV DOTNET_TC_DelaySingleProcMultiplier=1

# ASP.NET Core's default configuration watches appsettings*.json for changes; the gateway replaces that configuration
# with its own files, read once. Each watch takes an inotify instance, a per-user limit the node's containers share
# (128 by default); with none left, the default watches alone would stop the gateway starting.
ENV DOTNET_hostBuilder__reloadConfigOnChange=false

# 8443  HTTPS: kubectl and other clients, mutual TLS (--secure-port)
# 8081  plain HTTP operations: /metrics, /livez, /readyz, /healthz (--operations-port); keep it off public networks
EXPOSE 8443 8081
ENTRYPOINT ["/app/ApiProxyGateway"]
