@_spi(Engine) import ALS
import ArgumentParser

/// The `als` command: a root command whose subcommands do the work.
///
/// Each subcommand lives in its own file (`Sources/ALSCommand/<Name>Command.swift`) and is
/// registered in the list below.
@main
struct ALSTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "als",
        abstract: "Sparse-first Alternating Least Squares recommender engine.",
        version: "0.1.0",
        subcommands: [
            DemoCommand.self,
            TrainCommand.self,
            RecommendCommand.self,
            SimilarCommand.self,
            FoldInCommand.self,
            InspectCommand.self,
            ConvertCommand.self,
            SyntheticCommand.self,
            TuneCommand.self,
            EvaluateCommand.self,
            SplitCommand.self,
            PlotCommand.self,
        ]
    )

    /// The entry point: ArgumentParser's, with library errors worded in flags and negative
    /// option values accepted (`CommandLineText.main`).
    static func main() {
        CommandLineText.main(Array(CommandLine.arguments.dropFirst()))
    }
}
