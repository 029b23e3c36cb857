import Testing
@testable import ALSCommand

/// Golden tests of the help text: a change to any flag, default or help string shows up here,
/// so it is a decision rather than an accident.
@Suite("CLI help text")
struct HelpTests {
    @Test("als --help lists every subcommand with its abstract")
    func rootHelp() {
        let help = ALSTool.helpMessage(columns: 100)
        #expect(help.hasPrefix("OVERVIEW: Sparse-first Alternating Least Squares recommender engine."))
        for command in ALSTool.configuration.subcommands {
            let configuration = command.configuration
            guard configuration.shouldDisplay, let name = configuration.commandName else { continue }
            #expect(help.contains("  \(name) "), "missing subcommand \(name)")
        }
    }

    @Test("als train --help is unchanged")
    func trainHelp() {
        let help = ALSTool.helpMessage(for: TrainCommand.self, columns: 100)
        #expect(help == trainHelpGolden, "\(help)")
    }

    @Test("bad training flags are rejected before training starts")
    func validation() {
        #expect(throws: (any Error).self) { try ALSTool.parseAsRoot(["train", "x.tsv", "--output", "m", "--factors", "0"]) }
        #expect(throws: (any Error).self) { try ALSTool.parseAsRoot(["train", "x.tsv", "--output", "m", "--regularization", "-1"]) }
        #expect(throws: (any Error).self) { try ALSTool.parseAsRoot(["train", "x.tsv", "--output", "m", "--mode", "implicit", "--biases"]) }
        #expect(throws: (any Error).self) { try ALSTool.parseAsRoot(["train", "x.tsv", "--output", "m", "--mode", "nonsense"]) }
        #expect(throws: (any Error).self) {
            try ALSTool.parseAsRoot(["train", "x.tsv", "--output", "m", "--no-loss", "--early-stop", "0.01"])
        }
    }
}
