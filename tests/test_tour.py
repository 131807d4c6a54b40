"""The tour: the app plays the video's sequence by itself, with a caption per step."""

import pytest
from app_helpers import wait_for

from tuiplay.cli import build_parser, config_from_args
from tuiplay.commands.tour import steps_from_args
from tuiplay.ui.tour import TourApp
from tuiplay.ui.widgets.network import Cursor

SIZE = (120, 40)
SEED = "0.12345"
THEME = "textual-dark"

VIDEO_CAPTIONS = [
    "circle · 1 hidden layer · 1 neuron",
    "circle · 1 hidden layer · 2 neurons",
    "circle · 1 hidden layer · 3 neurons",
    "circle · 1 hidden layer · 4 neurons",
    "circle · 1 hidden layer · 8 neurons",
    "spiral · 1 hidden layer · 1 neuron",
    "spiral · 1 hidden layer · 2 neurons",
    "spiral · 1 hidden layer · 4 neurons",
    "spiral · 1 hidden layer · 6 neurons",
    "spiral · 1 hidden layer · 8 neurons",
    "spiral · 2 hidden layers · 8 and 2 neurons",
    "spiral · 2 hidden layers · 8 and 4 neurons",
    "spiral · 2 hidden layers · 8 and 6 neurons",
    "spiral · 2 hidden layers · 8 and 8 neurons",
]


def steps(*args: str):
    return steps_from_args(build_parser().parse_args(["tour", *args]))


def tour(*args: str, epochs_per_step: int = 3, rest: float = 0.0) -> TourApp:
    app = TourApp(
        steps("--seed", SEED, *args), epochs_per_step=epochs_per_step, rest=rest,
        colors="truecolor",
    )  # fmt: skip
    app.theme = THEME
    return app


def caption_on_screen(app: TourApp, text_of) -> str:
    return text_of(app, "#tour-bar").split("  step ")[0].strip()


# -- the steps ----------------------------------------------------------------------------
def test_the_tour_is_the_videos_fourteen_networks_on_one_seed():
    video = steps("--seed", SEED)
    assert [step.caption for step in video] == VIDEO_CAPTIONS
    assert {step.config.seed for step in video} == {SEED}
    circle, spiral = video[0].config, video[5].config
    assert (circle.activation, circle.learning_rate, circle.batch_size) == ("relu", 0.03, 1)
    assert (circle.regularization, circle.regularization_rate) == ("L1", 0.001)
    assert circle.features == ("x", "y")
    assert spiral.learning_rate == 0.01 and len(spiral.features) == 7


def test_every_step_of_the_video_is_a_preset_that_opens_the_same_run():
    step_presets = [
        "video-circle-1", "video-circle-2", "video-circle-3", "video-circle-4", "video-circle-8",
        "video-spiral-1", "video-spiral-2", "video-spiral-4", "video-spiral-6", "video-spiral-8",
        "video-spiral-8-2", "video-spiral-8-4", "video-spiral-8-6", "video-spiral-8-8",
    ]  # fmt: skip
    for step, name in zip(steps("--seed", SEED), step_presets, strict=True):
        args = build_parser().parse_args(["--preset", name, "--seed", SEED])
        assert config_from_args(args)[0] == step.config


def test_without_a_seed_every_step_shares_one_drawn_seed():
    seeds = {step.config.seed for step in steps()}
    assert len(seeds) == 1 and None not in seeds


def test_a_preset_plays_its_own_sequence_and_flags_change_every_step():
    circle = steps("--preset", "video-circle", "--learning-rate", "0.1")
    assert [step.caption for step in circle] == VIDEO_CAPTIONS[:5]
    assert {step.config.learning_rate for step in circle} == {0.1}
    spiral = steps("--preset", "video-spiral")
    assert [step.caption for step in spiral] == VIDEO_CAPTIONS[5:]


def test_a_dataset_without_a_preset_plays_both_setups_on_it_and_the_captions_name_them():
    xor = steps("--dataset", "xor")
    captions = [step.caption for step in xor]
    assert len(captions) == len(set(captions)) == 14
    assert captions[0] == "xor · lr 0.03 · features x,y · 1 hidden layer · 1 neuron"
    assert captions[5] == "xor · lr 0.01 · all seven features · 1 hidden layer · 1 neuron"
    assert captions[13] == "xor · lr 0.01 · all seven features · 2 hidden layers · 8 and 8 neurons"
    assert {step.config.dataset for step in xor} == {"xor"}


def test_flags_that_give_both_setups_one_setup_show_each_network_once():
    same = steps("--dataset", "xor", "--features", "x,y", "--learning-rate", "0.1")
    shapes = [step.config.network_shape for step in same]
    assert shapes == [(1,), (2,), (3,), (4,), (8,), (6,), (8, 2), (8, 4), (8, 6), (8, 8)]
    assert [step.caption for step in same][:2] == [
        "xor · 1 hidden layer · 1 neuron",
        "xor · 1 hidden layer · 2 neurons",
    ]


def test_the_help_says_what_each_way_of_calling_the_tour_plays(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["tour", "--help"])
    shown = capsys.readouterr().out
    assert "tuiplay tour --preset video-circle  the circle's sequence only (5 steps)" in shown
    assert "tuiplay tour --preset video-spiral  the spiral's sequence only (9 steps)" in shown
    assert "--dataset xor) plays both sequences on it" in shown


def test_hidden_gives_your_own_sequence():
    own = steps("--dataset", "xor", "--hidden", "", "4", "4,4")
    assert [step.caption for step in own] == [
        "xor · no hidden layer",
        "xor · 1 hidden layer · 4 neurons",
        "xor · 2 hidden layers · 4 and 4 neurons",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--preset", "default"],
        ["--hidden", "9"],
        ["--epochs-per-step", "0"],
        ["--rest", "-1"],
        ["--colors", "rainbow"],
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args):
    from tuiplay.cli import main

    try:
        status = main(["tour", *args])
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "error" in err


# -- playing ------------------------------------------------------------------------------
async def test_the_first_step_trains_to_its_epoch_then_the_next_step_starts(text_of):
    app = tour(epochs_per_step=3, rest=60)  # a long rest: a slow test machine cannot miss it
    async with app.run_test(size=SIZE) as pilot:
        assert caption_on_screen(app, text_of) == VIDEO_CAPTIONS[0]
        assert app.session.config.network_shape == (1,)
        await wait_for(pilot, lambda: app.session.finished)
        await pilot.pause(0.1)
        assert app.step_index == 0 and app.session.epoch == 3  # no epoch past the step's
        assert "next in 60 s" in text_of(app, "#tour-bar")
        app.rest = 0.5  # the rest is over sooner
        await wait_for(pilot, lambda: app.step_index == 1)
        await pilot.pause()
        assert caption_on_screen(app, text_of) == VIDEO_CAPTIONS[1]
        assert app.session.config.network_shape == (2,)
        assert "step 2 of 14" in text_of(app, "#tour-bar")


async def test_the_tour_plays_to_the_end_on_the_spiral_with_two_layers_of_eight(text_of):
    app = tour(epochs_per_step=1)
    captions_shown = []  # every caption the bar was given: polling could miss a short step
    show = app._bar.show

    def record(state):
        if not captions_shown or captions_shown[-1] != state.caption:
            captions_shown.append(state.caption)
        show(state)

    app._bar.show = record
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.at_end, timeout=60)
        await pilot.pause(0.2)
        assert captions_shown == VIDEO_CAPTIONS
        config = app.session.config
        assert (config.dataset, config.network_shape, app.session.epoch) == ("spiral", (8, 8), 1)
        assert "end of the tour" in text_of(app, "#tour-bar")
        assert not app.playing


async def test_right_skips_ahead_and_left_goes_back_with_matching_captions(text_of):
    app = tour(epochs_per_step=10_000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")  # held: the keys work without training in between
        for expected in VIDEO_CAPTIONS[1:]:
            await pilot.press("right")
            assert caption_on_screen(app, text_of) == expected
            assert app.session.epoch == 0
        await pilot.press("right")  # past the last step: stays
        assert app.step_index == 13
        assert app.session.config.network_shape == (8, 8)
        await pilot.press("left", "left")
        assert caption_on_screen(app, text_of) == VIDEO_CAPTIONS[11]
        assert app.session.config.network_shape == (8, 4)


async def test_on_an_80_column_terminal_a_long_caption_gives_way_to_the_step_and_phase(text_of):
    app = tour("--dataset", "xor", epochs_per_step=10_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")  # held
        await pilot.press(*["right"] * 13)
        bar = text_of(app, "#tour-bar")
        assert app.step.caption.endswith("2 hidden layers · 8 and 8 neurons")
        assert bar.startswith(" xor · lr 0.01 · all seven features · 2 hidden layers…")
        assert bar.rstrip().endswith("step 14 of 14  paused")


async def test_a_step_shown_again_is_the_same_run():
    app = tour(epochs_per_step=5, rest=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        await wait_for(pilot, lambda: app.session.finished)
        first_run, first = app.session, (app.session.train_loss, app.session.test_loss)
        await pilot.press("left", "right")
        assert app.session is not first_run
        await wait_for(pilot, lambda: app.session.finished)
        assert (app.session.train_loss, app.session.test_loss) == first


async def test_space_pauses_the_training_and_the_tour_and_space_goes_on(text_of):
    app = tour(epochs_per_step=100_000)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.epoch > 0)
        await pilot.press("space")
        held_at = app.session.epoch
        await pilot.pause(0.3)
        assert app.session.epoch == held_at and not app.playing
        assert "paused" in text_of(app, "#tour-bar") and "paused" in text_of(app, "#status")
        await pilot.press("space")
        await wait_for(pilot, lambda: app.session.epoch > held_at)
        assert "training to epoch 100,000" in text_of(app, "#tour-bar")


async def test_a_paused_tour_does_not_move_on_after_its_rest():
    # The rest outlasts the press: on a busy machine a pilot press can take a second.
    app = tour(epochs_per_step=2, rest=3.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.finished)
        await pilot.press("space")
        await pilot.pause(3.5)
        assert app.step_index == 0
        await pilot.press("space")
        await wait_for(pilot, lambda: app.step_index == 1)


async def test_the_playgrounds_keys_do_not_change_the_step():
    app = tour(epochs_per_step=10_000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")  # held, so that only the keys could change anything
        await pilot.press("+", ">", "d", "l", "3", "r", "tab", "right")
        config = app.session.config
        assert (config.dataset, config.learning_rate) == ("circle", 0.03)
        assert config.features == ("x", "y")
        assert config.network_shape == (2,)  # "right" skipped to the next step, nothing else


async def test_back_on_the_first_step_starts_it_again():
    app = tour(epochs_per_step=5, rest=60)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.finished)
        first_run = app.session
        await pilot.press("left")
        assert app.step_index == 0 and app.session is not first_run
        assert app.session.config == first_run.config


async def test_i_saves_a_screenshot_of_the_tour_and_w_f_do_nothing(tmp_path):
    app = tour(epochs_per_step=10_000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "w", "f")
        assert app.screen is app.screen_stack[0]  # no file name asked: the tour drives
        await pilot.press("i")
        (shot,) = tmp_path.glob("tuiplay-*.svg")
        assert "step&#160;1&#160;of&#160;14" in shot.read_text(encoding="utf-8")


async def test_a_new_step_puts_the_cursor_back_on_the_output(text_of):
    app = tour(epochs_per_step=10_000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")  # held
        app.cursor = Cursor(1, 0)  # a hidden neuron of the first step
        await pilot.press("right")
        assert app.cursor == Cursor(2, 0)  # the second step's output (one hidden layer)
        assert "output" in text_of(app, "#boundary")
