using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench.Report;

/// <summary>Scenario 2's recorded exec (the report's and bench/README.md's): the same gateway's exec with recording off and on.</summary>
internal static class RecordingSection
{
    public static void Write(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        if (!summaries.Any(x => x.Case == StreamCases.ExecStdoutRecorded))
        {
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Session recording: the gateway's exec stdout ({s.StreamBytes / 1048576} MiB, SHA-256 checked) into a namespace it does not record and, back to back in the same round, into one it records (`Recording:Namespaces`, mode All: the JSON-lines recorder, which keeps the first `Recording:MaxSessionBytes`, 16 MiB, and only hashes the rest). Recording written: the growth of the recording directory per session.");
        md.AppendLine();
        Table(md, summaries);
        md.AppendLine();
    }

    public static void Table(StringBuilder md, IReadOnlyList<Summary> summaries)
    {
        string F(string c, string arm, string metric) => ReportWriter.Format(ReportWriter.Find(summaries, "streams", c, arm, metric));
        md.AppendLine("| exec stdout through the gateway | MB/s | proxy CPU s / GB | recording written MB per session |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| not recorded | {F(StreamCases.ExecStdout, ArmNames.Gateway, "throughput")} | {F(StreamCases.ExecStdout, ArmNames.Gateway, "CPU per GB")} | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| recorded (mode All, JSON lines) | {F(StreamCases.ExecStdoutRecorded, ArmNames.Gateway, "throughput")} | {F(StreamCases.ExecStdoutRecorded, ArmNames.Gateway, "CPU per GB")} | {F(StreamCases.ExecStdoutRecorded, ArmNames.Gateway, "recording written")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| recorded ÷ not recorded (within a round) | {F(StreamCases.ExecStdoutRecorded, Comparisons.RecordedRatio, "throughput ratio")} | {F(StreamCases.ExecStdoutRecorded, Comparisons.RecordedRatio, "CPU per GB ratio")} | |");
    }
}
