"""``python -m tgi_simulator``: run a simulated TGI server (see :mod:`tgi_simulator.cli`)."""

from tgi_simulator.cli import main

if __name__ == "__main__":
    main()
