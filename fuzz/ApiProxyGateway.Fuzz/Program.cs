using ApiProxyGateway.Fuzz;
using SharpFuzz;

// fuzz/run drives this: afl-fuzz runs "<target>" (input on stdin, via SharpFuzz's fork server); people run
// "<target> FILE..." to replay inputs, "--list", "--assemblies <target>" and "--seed <target> DIR".
switch (args)
{
    case ["--list"]:
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name}\t{target.Covers}");
        }

        return 0;
    case ["--assemblies", var name] when FuzzTargets.Find(name) is { } target:
        Console.WriteLine(string.Join('\n', target.InstrumentedAssemblies));
        return 0;
    case ["--seed", var name, var directory] when FuzzTargets.Find(name) is { } target:
        Directory.CreateDirectory(directory);
        foreach (var (seed, bytes) in target.Seeds())
        {
            File.WriteAllBytes(Path.Combine(directory, seed), bytes);
        }

        return 0;
    case [var name] when FuzzTargets.Find(name) is { } target:
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var input = new MemoryStream();
            stream.CopyTo(input);
            target.Run(input.ToArray());
        });
        return 0;
    case [var name, .. var files] when FuzzTargets.Find(name) is { } target:
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"ok     {file}");
            }
#pragma warning disable CA1031 // replaying inputs: any exception is the finding to report, and the next file still runs
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"FAILED {file}\n{ex}");
            }
        }

        return failed == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine("usage: ApiProxyGateway.Fuzz <target> [FILE...] | --list | --assemblies <target> | --seed <target> DIR");
        Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
        return 2;
}
