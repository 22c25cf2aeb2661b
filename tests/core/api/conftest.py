def pytest_configure(config):
    # pytest-xdist registers this marker; declare it too for runs without xdist (-p no:xdist).
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")
