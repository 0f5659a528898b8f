using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Report;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench;

internal static partial class Driver
{
    // Scenario 2's recorded exec (issue 15): what session recording costs an exec's throughput and the gateway's CPU.
    internal sealed partial class Run
    {
        /// <summary>
        /// The main sandbox's gateway records nothing (<c>--record-sessions=none</c>) but every exec into
        /// <see cref="BenchScenario.RecordedNamespace"/>, into a temporary directory the run deletes.
        /// </summary>
        private string[] RecordingArguments() =>
        [
            "--recording-dir=" + _recordings.FullName,
            $"--Recording:Namespaces:{BenchScenario.RecordedNamespace}=All",
        ];

        /// <summary>
        /// The gateway's exec stdout twice, back to back in the same gateway and round (the order alternates by round):
        /// into the demo namespace, not recorded, and into the recorded one, where the JSON-lines recorder keeps the first
        /// <c>Recording:MaxSessionBytes</c> (16 MiB) and hashes the rest. What the recording wrote is the growth of the
        /// recording directory once it stops growing (the gateway closes the file as the session ends).
        /// </summary>
        private async Task ExecRecordedAndNotAsync(Endpoint gateway, int round, IReadOnlyList<int> pids)
        {
            foreach (var recorded in round % 2 == 1 ? new[] { false, true } : [true, false])
            {
                if (!recorded)
                {
                    await MeasureTransferAsync("streams", StreamCases.ExecStdout, ArmNames.Gateway, round, pids, token => NativeStreams.ExecAsync(gateway, _benchDll, settings.StreamBytes, token));
                    continue;
                }

                var before = RecordingBytes();
                await MeasureTransferAsync("streams", StreamCases.ExecStdoutRecorded, ArmNames.Gateway, round, pids, token => NativeStreams.ExecAsync(gateway, _benchDll, settings.StreamBytes, BenchScenario.RecordedNamespace, token));
                var written = await SettledRecordingBytesAsync() - before;
                Samples.Add(new Sample("streams", StreamCases.ExecStdoutRecorded, ArmNames.Gateway, "recording written", "MB", round, written / 1e6));
                if (written <= 0)
                {
                    Problems.Add($"streams r{round} {StreamCases.ExecStdoutRecorded}: the gateway wrote nothing to its recording directory");
                }
            }
        }

        private long RecordingBytes()
        {
            _recordings.Refresh();
            return _recordings.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        }

        /// <summary>The recording directory's size once two readings 200 ms apart agree (at most 5 s).</summary>
        private async Task<long> SettledRecordingBytesAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            var last = RecordingBytes();
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                var now = RecordingBytes();
                if (now == last)
                {
                    return now;
                }

                last = now;
            }

            return last;
        }
    }
}
